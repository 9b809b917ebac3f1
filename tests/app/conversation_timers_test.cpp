// conversation::fire_timer and the timers a dialog stores: a session's expiry timer is stored
// once, and any expiry timer ends the session once its expiry has come (sessions stored by
// earlier versions carry one under an older token). Real SQLite file, the shipped dialogs.
#include <catch2/catch.hpp>

#include "support/inbound_sms.hpp"

#include "support/app_fixture.hpp"
#include "support/students.hpp"
#include "tuki/core/dialog/engine.hpp"

using namespace tuki;

namespace {

const core::instant t0 = core::from_unix_ms(1'795'503'600'000);  // a Tuesday, 09:00 in Helsinki

struct timers_fixture {
  testing::app_fixture f{"tuki-timers"};
  std::int64_t sid = 0;

  timers_fixture() {
    const auto s = testing::aino();
    REQUIRE(f.store->upsert_students({s}, t0));
    sid = f.store->find_student_by_phone(s.phone)->id;
  }
  std::int64_t count(const std::string& sql) {
    auto& q = f.store->db().prepare(sql);
    std::int64_t n = q.step() ? q.column_int(0) : -1;
    q.reset();
    return n;
  }
  void fire_due(core::instant now) {
    for (const auto& t : f.store->take_due_timers(now, 100))
      REQUIRE(f.conv->fire_timer(*f.store, t, now).is_ok());
  }
};

}  // namespace

TEST_CASE("a session stores its expiry timer once, at its first wait", "[app][timers]") {
  timers_fixture x;
  REQUIRE(x.f.conv->start_checkin(*x.f.store, x.sid, "weekly_checkin", t0).value());
  CHECK(x.count("SELECT COUNT(*) FROM timers WHERE kind = 'expiry'") == 1);
  CHECK(x.count("SELECT COUNT(*) FROM timers WHERE kind = 'wait_timeout'") == 1);
  // A reply that leads to the next question re-arms the wait's timeout, not the expiry.
  auto sms = testing::inbound_sms(testing::aino().phone, "2", "m1");
  REQUIRE(x.f.conv->handle_inbound(*x.f.store, "console", sms, t0 + std::chrono::minutes(5)));
  REQUIRE(x.count("SELECT COUNT(*) FROM sessions") == 1);
  CHECK(x.count("SELECT COUNT(*) FROM timers WHERE kind = 'wait_timeout'") == 2);
  CHECK(x.count("SELECT COUNT(*) FROM timers WHERE kind = 'expiry'") == 1);
}

TEST_CASE(
    "an expiry timer ends the session at its expiry whatever its token, and changes "
    "nothing before",
    "[app][timers]") {
  timers_fixture x;
  REQUIRE(x.f.conv->start_checkin(*x.f.store, x.sid, "weekly_checkin", t0).value());
  const auto expires =
      core::from_unix_ms(x.count("SELECT json_extract(state, '$.expires') FROM sessions"));
  REQUIRE(expires > t0 + std::chrono::hours(24));
  const auto updated = x.count("SELECT updated_at FROM sessions");

  // An expiry timer due early (its session's expiry has not come) leaves the session as it is.
  REQUIRE(x.f.store->add_timer(x.sid, std::string(dialog::timer_expiry), 1,
                               t0 + std::chrono::hours(1)));
  x.fire_due(t0 + std::chrono::hours(1));
  CHECK(x.count("SELECT COUNT(*) FROM sessions") == 1);
  CHECK(x.count("SELECT updated_at FROM sessions") == updated);

  // A session stored by an earlier version: its one expiry timer left carries an older token
  // (every step stored one under its own). Only that timer is left, so it alone must end it.
  REQUIRE(x.count("SELECT COUNT(*) FROM timers WHERE kind = 'expiry'") == 1);
  REQUIRE(x.f.store->db().exec("UPDATE timers SET token = 7 WHERE kind = 'expiry'"));
  REQUIRE(x.f.store->db().exec("DELETE FROM timers WHERE kind = 'wait_timeout'"));
  x.fire_due(expires - std::chrono::minutes(1));
  CHECK(x.count("SELECT COUNT(*) FROM sessions") == 1);
  x.fire_due(expires);
  CHECK(x.count("SELECT COUNT(*) FROM sessions") == 0);
  CHECK(x.count("SELECT COUNT(*) FROM timers") == 0);
}
