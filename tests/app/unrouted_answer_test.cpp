// What a student is told when their ticket finds nobody to take it (no staff imported, no
// coordinator): someone from school, not a role nobody holds. Real SQLite file, the shipped
// dialogs; no network.
#include <catch2/catch.hpp>

#include "support/app_fixture.hpp"
#include "support/inbound_sms.hpp"
#include "support/students.hpp"

using namespace tuki;

TEST_CASE("a student whose ticket nobody can take yet is told someone from school will call",
          "[app][tickets]") {
  const core::instant t0 = core::from_unix_ms(1'795'503'600'000);
  testing::app_fixture f("tuki-unrouted-answer");
  const auto s = testing::aino();  // Finnish
  REQUIRE(f.store->upsert_students({s}, t0));
  const auto sid = f.store->find_student_by_phone(s.phone)->id;
  REQUIRE(f.conv->start_checkin(*f.store, sid, "weekly_checkin", t0).value());
  // The README's walk-through: things are hard, yes I want to talk, about life: a ticket.
  int n = 0;
  for (const char* reply : {"2", "kyl", "2"}) {
    auto out = f.conv->handle_inbound(
        *f.store, "console", testing::inbound_sms(s.phone, reply, "m" + std::to_string(++n)),
        t0 + std::chrono::minutes(n));
    INFO((out ? "" : out.error().to_string()));
    REQUIRE(out);
  }
  REQUIRE(f.store->db().prepare("SELECT COUNT(*) FROM tickets WHERE state = ''").first_int() == 1);
  std::string promise;
  auto& q = f.store->db().prepare("SELECT body FROM messages WHERE direction = 'out' ORDER BY id");
  while (q.step())
    if (auto body = q.column_text(0); body.find("ottaa sinuun pian yhteyttä") != std::string::npos)
      promise = body;
  q.reset();
  CHECK(promise == "Kiitos. Koulun työntekijä ottaa sinuun pian yhteyttä.");
}
