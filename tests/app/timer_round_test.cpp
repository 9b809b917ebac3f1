#include "tuki/app/timer_round.hpp"

#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "support/stderr_capture.hpp"
#include "support/students.hpp"
#include "support/temp_db.hpp"

using namespace tuki;

TEST_CASE("a timer whose step fails is undone alone and tried again later; the other timers fire",
          "[app][timer_pump][store]") {
  testing::temp_db db("tuki-timer-round");
  auto opened = adapters::sqlite_store::open(db.str());
  REQUIRE(opened);
  auto& s = **opened;
  const auto now = core::from_unix_ms(1'800'000'000'000);
  REQUIRE(s.upsert_institution("varia", "Varia", "FI", "Europe/Helsinki"));
  auto other = testing::aino();
  other.ref = "s2";
  other.phone = "+358401234568";
  REQUIRE(s.upsert_students({testing::aino(), other}, now));
  const auto s1 = s.find_student_by_phone(testing::aino().phone)->id;
  const auto s2 = s.find_student_by_phone(other.phone)->id;
  // The failing timer is due first, so it is taken first.
  REQUIRE(s.add_timer(s1, "reminder", 1, now - std::chrono::seconds(10)));
  REQUIRE(s.add_timer(s2, "reminder", 2, now - std::chrono::seconds(5)));
  REQUIRE(s.add_timer(s2, "timeout", 3, now - std::chrono::seconds(1)));

  std::vector<std::int64_t> fired;
  // A step that writes, then fails for s1: its write must be undone.
  auto fire = [&](adapters::sqlite_store& st, const adapters::due_timer& t) -> core::status {
    if (auto a = st.audit("timer", t.kind, std::to_string(t.student_id), "", now); !a) return a;
    if (t.student_id == s1) return core::status::internal("the dialog step failed");
    fired.push_back(t.token);
    return core::status::ok();
  };
  app::timer_backoff backoff;
  std::string log;
  core::result<int> n = 0;
  {
    testing::stderr_capture capture(db.str() + ".stderr");
    REQUIRE(s.begin());
    n = app::fire_due_timers(s, now, 500, backoff, fire);
    REQUIRE(s.commit());
    log = capture.text();
  }
  std::filesystem::remove(db.str() + ".stderr");
  REQUIRE(n);
  CHECK(*n == 2);
  CHECK(fired == std::vector<std::int64_t>{2, 3});
  CHECK_THAT(log, Catch::Contains("level=error event=timer_failed"));
  CHECK_THAT(log, Catch::Contains("student_id=" + std::to_string(s1)));
  CHECK_FALSE(s.audited_since("reminder", std::to_string(s1), core::from_unix_ms(0)));

  // The failed timer is kept, but not due again next second: backed off.
  CHECK(s.take_due_timers(now + std::chrono::seconds(1), 500).empty());
  REQUIRE(s.begin());
  auto again = app::fire_due_timers(s, now + app::timer_retry_after(1), 500, backoff, fire);
  REQUIRE(s.commit());
  REQUIRE(again);
  CHECK(*again == 0);  // it failed again: the next try waits longer
  CHECK(app::timer_retry_after(2) > app::timer_retry_after(1));
  CHECK(app::timer_retry_after(100) == std::chrono::hours(1));
  CHECK(s.take_due_timers(now + app::timer_retry_after(1) + app::timer_retry_after(1), 500).empty());
}
