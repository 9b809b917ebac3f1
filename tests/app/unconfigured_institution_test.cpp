// A student of an institution removed from the configuration (its rows still in the store):
// their texts are answered as from an unknown number, no check-in or timer of theirs runs, and
// their tickets reach no staff of another school. Real SQLite file, the shipped dialogs.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/app_fixture.hpp"
#include "support/inbound_sms.hpp"
#include "support/students.hpp"
#include "tuki/core/routing/action_link.hpp"

using namespace tuki;

namespace {

const core::instant t0 = core::from_unix_ms(1'795'503'600'000);

// Aino, stored as a student of `omnia`, which the configuration does not name.
core::student omnia_student(adapters::sqlite_store& store) {
  // Stored while omnia was configured; the configuration has dropped it since.
  REQUIRE(store.upsert_institution("omnia", "Omnia", "FI", "Europe/Helsinki"));
  auto s = testing::aino();
  s.institution_id = "omnia";
  REQUIRE(store.upsert_students({s}, t0));
  auto found = store.find_student_by_phone(s.phone);
  REQUIRE(found);
  return *found;
}

}  // namespace

TEST_CASE("a student of an institution no longer configured is answered as an unknown number",
          "[app][institution]") {
  testing::app_fixture f("tuki-unconfigured", "    crisis_contact: kriisi@varia.test\n");
  auto& store = *f.store;
  const auto student = omnia_student(store);

  // An ordinary reply: no dialog of varia's starts for them, and nothing is sent.
  auto out = f.conv->handle_inbound(store, "console",
                                    testing::inbound_sms(student.phone, "ihan hyvin", "m1"), t0);
  REQUIRE(out);
  CHECK_FALSE(out->known_sender);
  CHECK(out->replies == 0);
  CHECK_FALSE(store.load_session(student.id));
  CHECK(store.claim_sms(10, t0).value().empty());

  // A crisis: the helpline and the gateway's institution's crisis contact, as for any number
  // (the email names the number, not the student).
  out = f.conv->handle_inbound(store, "console",
                               testing::inbound_sms(student.phone, "haluan kuolla", "m2"), t0);
  REQUIRE(out);
  CHECK(out->crisis);
  CHECK(out->replies == 1);
  auto jobs = store.claim_jobs("mail", 10, t0);
  REQUIRE(jobs.size() == 1);
  const std::string mime = nlohmann::json::parse(jobs[0].payload)["mime"];
  CHECK_THAT(mime, Catch::Contains(student.phone));
  CHECK_THAT(mime, !Catch::Contains("Aino"));

  // No check-in starts for them.
  CHECK_FALSE(f.conv->start_checkin(store, student.id, "weekly_checkin", t0).value());
}

TEST_CASE("a ticket of an institution no longer configured reaches no other school's staff",
          "[app][institution]") {
  testing::app_fixture f("tuki-unconfigured", "    crisis_contact: kriisi@varia.test\n");
  auto& store = *f.store;
  const auto student = omnia_student(store);
  // Before, varia (the first institution) stood in: its crisis contact got omnia's student.
  auto opened =
      f.conv->desk().open(store, student, "crisis", core::urgency::urgent, "", "", "", t0);
  REQUIRE(opened);
  CHECK_FALSE(opened->routed);
  CHECK(store.claim_jobs("mail", 10, t0).empty());
  // varia's own students still reach it.
  auto s = testing::aino();
  s.ref = "s2";
  s.phone = "+358401234568";
  REQUIRE(store.upsert_students({s}, t0));
  auto ours = f.conv->desk().open(store, *store.find_student_by_phone(s.phone), "crisis",
                                  core::urgency::urgent, "", "", "", t0);
  REQUIRE(ours);
  CHECK(ours->routed);
  CHECK(store.claim_jobs("mail", 10, t0).size() == 1);
}

TEST_CASE(
    "a number with a row in a removed institution and one in a configured one is the "
    "configured one's student",
    "[app][institution]") {
  testing::app_fixture f("tuki-unconfigured");
  auto& store = *f.store;
  const auto old_row = omnia_student(store);  // omnia sorts before varia
  auto now_row = testing::aino();             // the same number, at varia since
  now_row.ref = "s9";
  REQUIRE(store.upsert_students({now_row}, t0));
  REQUIRE(store.find_students_by_phone(now_row.phone).size() == 2);
  auto out = f.conv->handle_inbound(store, "console",
                                    testing::inbound_sms(now_row.phone, "ihan hyvin", "m1"), t0);
  REQUIRE(out);
  CHECK(out->known_sender);
  // Stored as varia's student's message (the row that came later), not the removed one's.
  const auto varia_id = store.find_students_by_phone(now_row.phone).back().id;
  REQUIRE(varia_id != old_row.id);
  CHECK(store.last_inbound_at(varia_id).has_value());
  CHECK_FALSE(store.last_inbound_at(old_row.id).has_value());
}

TEST_CASE("an old link acknowledging a removed institution's ticket queues no SMS",
          "[app][institution]") {
  // omnia is configured while its crisis ticket is opened and mailed, then dropped; the
  // acknowledge link in the mail still carries a valid signature.
  testing::app_fixture f("tuki-unconfigured",
                         "  - id: omnia\n    gateway: console\n"
                         "    crisis_contact: kriisi@omnia.test\n"
                         "public_url: https://tuki.test\nsecret: link-key\n");
  auto& store = *f.store;
  const auto student = omnia_student(store);
  auto opened =
      f.conv->desk().open(store, student, "crisis", core::urgency::urgent, "", "", "", t0);
  REQUIRE(opened);
  REQUIRE(opened->routed);
  auto without = f.cfg;
  std::erase_if(without.institutions, [](const auto& i) { return i.id == "omnia"; });
  app::conversation after(without, f.conv->library(),
                          app::role_names::load(without.dialogs_dir).value());

  routing::action_link l{
      std::to_string(opened->id), routing::ticket_action::acknowledge, "",
      "kriisi@omnia.test",        t0 + std::chrono::hours(24),         "nonce-omnia-1"};
  auto url = routing::make_action_link("link-key", "https://tuki.test", l);
  REQUIRE(url);
  const auto at = t0 + std::chrono::minutes(3);
  auto r = after.desk().act(store, *after.library(),
                            url->substr(std::string("https://tuki.test").size()), at);
  REQUIRE(r);
  INFO(r->message);
  CHECK(r->http_status == 200);
  // Before, the "seen" SMS went to the outbox with no gateway to send it.
  CHECK_FALSE(r->sms_queued);
  CHECK(r->said == routing::action_message::acknowledged_quietly);
  CHECK(store.claim_sms(10, at + std::chrono::hours(24)).value().empty());
}
