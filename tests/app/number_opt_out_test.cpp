// `tuki students opt-out|opt-in PHONE`: an operator's opt-out of a number does what STOP texted
// from it does (every row holding it opted out, their dialogs ended, texts queued to them
// withheld, the number kept for rows given it later) and an opt-in what START does, neither
// texting anything; audited by "cli", logged without the number. Real SQLite file, the shipped
// dialogs, the students CSV import; no network.
#include "tuki/app/number_opt_out.hpp"

#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "support/app_fixture.hpp"
#include "support/inbound_sms.hpp"
#include "support/stderr_capture.hpp"
#include "tuki/app/student_import.hpp"

using namespace tuki;

namespace {

const core::instant t0 = core::from_unix_ms(1'795'503'600'000);
const std::string number = "+358401234567";

// Imports the CSV rows (after the header) for `institution`, as `tuki students import`.
void import(testing::app_fixture& f, const std::string& rows, core::instant now,
            const std::string& institution = "varia") {
  const auto path = f.dir / "students.csv";
  std::ofstream(path, std::ios::binary)
      << "student_id,phone,first_name,language,group,campus,start_date,teacher_email,timezone\n"
      << rows;
  auto r = app::import_students_file(path.string(), *f.store, institution, "FI", "fi", now, {}, 1);
  INFO(r.error().to_string());
  REQUIRE(r);
}

std::int64_t id_of(testing::app_fixture& f, const std::string& ref) {
  auto& q = f.store->db().prepare("SELECT id FROM students WHERE student_ref = ?1");
  q.bind(1, ref);
  REQUIRE(q.step());
  const auto id = q.column_int(0);
  q.reset();
  return id;
}

// "action subject detail" of the opt-out and opt-in audit rows by "cli", in order.
std::vector<std::string> cli_audit(testing::app_fixture& f) {
  auto& q = f.store->db().prepare(
      "SELECT action || ' ' || subject || ' ' || detail FROM audit_events WHERE actor = 'cli' "
      "AND action LIKE 'opt_%' ORDER BY id");
  std::vector<std::string> out;
  while (q.step()) out.push_back(q.column_text(0));
  q.reset();
  return out;
}

// Two rows with the number (one in another school), one without.
void three_students(testing::app_fixture& f) {
  REQUIRE(f.store->upsert_institution("omnia", "Omnia", "FI", "Europe/Helsinki").is_ok());
  import(f,
         "s1,0401234567,Aino,fi,G1,T,2026-08-10,,\n"
         "s2,0405550002,Eino,fi,G1,T,2026-08-10,,\n",
         t0);
  import(f, "o1,0401234567,Aino,fi,G1,T,2026-08-10,,\n", t0, "omnia");
}

}  // namespace

TEST_CASE("an operator's opt-out of a number does what STOP from it does, and texts nothing",
          "[app][opt_out][cli]") {
  testing::app_fixture f("tuki-number-optout");
  auto& store = *f.store;
  three_students(f);
  const auto s1 = id_of(f, "s1"), s2 = id_of(f, "s2"), o1 = id_of(f, "o1");
  // s1 is in a check-in (its opening sent), and paused since.
  REQUIRE(f.conv->start_checkin(store, s1, "weekly_checkin", t0).value());
  REQUIRE(store.claim_sms_batch(100, t0)->sms.size() == 1);
  REQUIRE(store.set_contact_state(s1, false, t0 + std::chrono::hours(24 * 14), t0).is_ok());
  REQUIRE(store.load_session(s1));
  // Queued to s1 before the opt-out: a campaign's check-in and a dialog's next question (a
  // gateway in backoff); and a check-in to s2.
  const auto t1 = t0 + std::chrono::minutes(10);
  REQUIRE(store.enqueue_sms(s1, "console", "Hi! How was your week?", 2, "checkin", t1, t1));
  REQUIRE(store.enqueue_sms(s1, "console", "And your studies?", 1, "dialog", t1, t1));
  REQUIRE(store.enqueue_sms(s2, "console", "Hi! How was your week?", 2, "checkin", t1, t1));

  const std::string way = GENERATE(as<std::string>{}, "sms STOP", "operator");
  CAPTURE(way);
  if (way == "operator") {
    const auto log_file = f.dir / "log";
    testing::stderr_capture capture(log_file);
    auto done = app::set_number_contact(store, number, true, t1);
    const auto log = capture.text();
    INFO(done.error().to_string());
    REQUIRE(done);
    CHECK(done->students == std::vector<std::int64_t>{s1, o1});
    CHECK_FALSE(done->was_opted_out);
    CHECK_THAT(log, Catch::Contains("event=number_opted_out"));
    CHECK_THAT(log, !Catch::Contains("401234567"));
    CHECK(cli_audit(f) ==
          std::vector<std::string>{"opt_out student:" + std::to_string(s1) + " operator",
                                   "opt_out student:" + std::to_string(o1) + " operator",
                                   "opt_out_number students:" + std::to_string(s1) + "," +
                                       std::to_string(o1) + " 2 students"});
  } else {
    REQUIRE(
        f.conv->handle_inbound(store, "console", testing::inbound_sms(number, "STOP", "m1"), t1));
  }

  CHECK(store.number_opted_out(number));
  for (auto id : {s1, o1}) {
    CAPTURE(id);
    CHECK(store.get_student(id)->opted_out);
  }
  CHECK_FALSE(store.get_student(s1)->paused_until);
  CHECK_FALSE(store.load_session(s1));  // its timers are stale
  CHECK_FALSE(store.get_student(s2)->opted_out);
  const auto claim = store.claim_sms_batch(100, t1);
  REQUIRE(claim);
  CHECK(claim->withheld == 2);  // both texts queued to s1
  std::vector<std::int64_t> to;
  for (const auto& m : claim->sms) to.push_back(m.student_id);
  // STOP is confirmed by text; the operator's opt-out is not (they were asked by phone).
  CHECK(to ==
        (way == "operator" ? std::vector<std::int64_t>{s2} : std::vector<std::int64_t>{s1, s2}));
  CHECK_FALSE(f.conv->start_checkin(store, s1, "weekly_checkin", t1).value());
}

TEST_CASE("an operator's opt-out of a number no student holds holds for the student given it",
          "[app][opt_out][cli]") {
  testing::app_fixture f("tuki-number-optout-unknown");
  auto& store = *f.store;
  REQUIRE(app::set_number_contact(store, number, true, t0));
  CHECK(store.number_opted_out(number));
  auto listed = store.opted_out_numbers();
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].number == number);
  CHECK(listed[0].since == t0);
  CHECK(listed[0].students == 0);
  CHECK(cli_audit(f) == std::vector<std::string>{"opt_out_number  0 students"});

  // Again: no change, and said so.
  auto again = app::set_number_contact(store, number, true, t0 + std::chrono::minutes(1));
  REQUIRE(again);
  CHECK(again->was_opted_out);
  CHECK(store.opted_out_numbers()[0].since == t0);

  const auto t1 = t0 + std::chrono::hours(24);
  import(f, "s1,0401234567,Aino,fi,G1,T,2026-08-10,,\n", t1);
  CHECK(store.get_student(id_of(f, "s1"))->opted_out);
  CHECK(store.opted_out_numbers()[0].students == 1);
}

TEST_CASE("an operator's opt-in of a number does what START from it does, and texts nothing",
          "[app][opt_out][cli]") {
  testing::app_fixture f("tuki-number-optin");
  auto& store = *f.store;
  three_students(f);
  const auto s1 = id_of(f, "s1"), o1 = id_of(f, "o1");
  // STOP, then PAUSE (which keeps the opt-out and sets a pause).
  REQUIRE(f.conv->handle_inbound(store, "console", testing::inbound_sms(number, "STOP", "m1"), t0));
  REQUIRE(f.conv->handle_inbound(store, "console", testing::inbound_sms(number, "PAUSE", "m2"),
                                 t0 + std::chrono::minutes(1)));
  REQUIRE(store.get_student(s1)->opted_out);
  REQUIRE(store.get_student(s1)->paused_until);
  REQUIRE(store.claim_sms_batch(100, t0 + std::chrono::minutes(1))->sms.size() == 2);

  const auto t1 = t0 + std::chrono::hours(1);
  auto done = app::set_number_contact(store, number, false, t1);
  INFO(done.error().to_string());
  REQUIRE(done);
  CHECK(done->was_opted_out);
  CHECK(done->students == std::vector<std::int64_t>{s1, o1});
  CHECK_FALSE(store.number_opted_out(number));
  CHECK(store.opted_out_numbers().empty());
  for (auto id : {s1, o1}) {
    CAPTURE(id);
    CHECK_FALSE(store.get_student(id)->opted_out);
    CHECK_FALSE(store.get_student(id)->paused_until);
  }
  CHECK(store.claim_sms_batch(100, t1)->sms.empty());  // START's answer is not sent
  CHECK(cli_audit(f).back() ==
        "opt_in_number students:" + std::to_string(s1) + "," + std::to_string(o1) + " 2 students");
  // Check-ins reach the number again.
  CHECK(f.conv->start_checkin(store, s1, "weekly_checkin", t1).value());
  CHECK(store.claim_sms_batch(100, t1)->sms.size() == 1);
}
