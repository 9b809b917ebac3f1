// STOP belongs to the number that sent it, not only to the student row it came from: the number
// stays opted out when the school's next file gives it to another student row, and a STOP from a
// number no student has yet holds for the student imported with it later. START from the number
// ends it. And a dialog's own opt-out step: its confirmation goes, nothing after it. Real SQLite
// file, the shipped dialogs (and one of the test's own), the students CSV import; no network.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>

#include <catch2/catch.hpp>

#include "support/app_fixture.hpp"
#include "support/dialog_dir.hpp"
#include "support/inbound_sms.hpp"
#include "tuki/app/student_import.hpp"
#include "tuki/core/dialog/library.hpp"

using namespace tuki;

namespace {

const core::instant t0 = core::from_unix_ms(1'795'503'600'000);

const std::string header =
    "student_id,phone,first_name,language,group,campus,start_date,teacher_email,timezone\n";

// Imports the CSV rows (after the header) for institution `varia`, as `tuki import students`.
void import(testing::app_fixture& f, const std::string& rows, core::instant now) {
  const auto path = f.dir / "students.csv";
  std::ofstream(path, std::ios::binary) << header << rows;
  auto r = app::import_students_file(path.string(), *f.store, "varia", "FI", "fi", now, {}, 1);
  INFO(r.error().to_string());
  REQUIRE(r);
}

std::int64_t id_of(testing::app_fixture& f, const std::string& ref) {
  auto& q = f.store->db().prepare(
      "SELECT id FROM students WHERE institution_id = 'varia' AND student_ref = ?1");
  q.bind(1, ref);
  REQUIRE(q.step());
  const auto id = q.column_int(0);
  q.reset();
  return id;
}

// Whether a check-in reaches the student: one started now, and one a campaign queued before
// (bulk), claimed at once. Returns (started, sent, withheld).
struct reach {
  bool started;
  std::size_t sent;
  std::int64_t withheld;
};
reach checkin(testing::app_fixture& f, std::int64_t sid, core::instant now) {
  auto& store = *f.store;
  auto started = f.conv->start_checkin(store, sid, "weekly_checkin", now);
  REQUIRE(started);
  REQUIRE(store.enqueue_sms(sid, "console", "Hi! How was your week?", 2, "checkin", now, now));
  auto claim = store.claim_sms_batch(100, now);
  REQUIRE(claim);
  return {*started, claim->sms.size(), claim->withheld};
}

bool selected(testing::app_fixture& f, std::int64_t sid) {
  const auto ids = f.store->select_students("varia", "all");
  return std::find(ids.begin(), ids.end(), sid) != ids.end();
}

}  // namespace

TEST_CASE(
    "a number that sent STOP stays opted out when the next import gives it to another "
    "student",
    "[app][opt_out]") {
  testing::app_fixture f("tuki-optout-number");
  auto& store = *f.store;
  import(f,
         "s1,0401234567,Aino,fi,G1,T,2026-08-10,,\n"
         "s3,0405550003,Eino,fi,G1,T,2026-08-10,,\n",
         t0);
  const auto s1 = id_of(f, "s1");
  REQUIRE(f.conv->handle_inbound(store, "console",
                                 testing::inbound_sms("+358401234567", "STOP", "m1"), t0));
  REQUIRE(store.get_student(s1)->opted_out);
  CHECK(store.number_opted_out("+358401234567"));
  REQUIRE(store.claim_sms_batch(100, t0)->sms.size() == 1);  // the STOP confirmation

  // The number moves: to a student row of its own (re-enrolment under a new student_id), or to
  // a student already stored (a sibling's number, a data fix). s1 gets a new number, on a
  // later line, so the import moves the number between rows.
  const auto t1 = t0 + std::chrono::hours(24 * 30);
  const std::string to = GENERATE(as<std::string>{}, "s2", "s3");
  CAPTURE(to);
  import(f,
         to + ",0401234567,Aino,fi,G1,T,2026-08-10,,\n" +
             (to == "s3" ? "" : "s3,0405550003,Eino,fi,G1,T,2026-08-10,,\n") +
             "s1,0409990001,Aino,fi,G1,T,2026-08-10,,\n",
         t1);
  const auto moved = id_of(f, to);
  REQUIRE(store.get_student(moved)->phone == "+358401234567");
  CHECK(store.get_student(moved)->opted_out);
  CHECK_FALSE(selected(f, moved));
  const auto r = checkin(f, moved, t1);
  CHECK_FALSE(r.started);
  CHECK(r.sent == 0);
  CHECK(r.withheld == 1);
  CHECK(store.number_opted_out("+358401234567"));
  // The student who sent STOP keeps their opt-out under their new number (only START ends it);
  // the other students are not touched.
  CHECK(store.get_student(s1)->opted_out);
  if (to == "s2") CHECK_FALSE(store.get_student(id_of(f, "s3"))->opted_out);

  SECTION("START from the number texts its student again") {
    const auto t2 = t1 + std::chrono::minutes(1);
    REQUIRE(f.conv->handle_inbound(store, "console",
                                   testing::inbound_sms("+358401234567", "START", "m2"), t2));
    CHECK_FALSE(store.number_opted_out("+358401234567"));
    CHECK_FALSE(store.get_student(moved)->opted_out);
    CHECK(selected(f, moved));
    const auto again = checkin(f, moved, t2);
    CHECK(again.started);
    CHECK(again.sent == 3);  // the START confirmation, the opening, the queued check-in
    CHECK(again.withheld == 0);
  }
}

TEST_CASE("a STOP from a number no student has yet holds for the student imported with it",
          "[app][opt_out]") {
  testing::app_fixture f("tuki-optout-unknown");
  auto& store = *f.store;
  const std::string phone = "+358409876543";
  auto stop =
      f.conv->handle_inbound(store, "console", testing::inbound_sms(phone, "STOP", "m1"), t0);
  REQUIRE(stop);
  CHECK_FALSE(stop->known_sender);
  CHECK(stop->replies == 0);  // an unknown number is not answered (docs/dialogs.md)
  CHECK(store.number_opted_out(phone));

  const auto t1 = t0 + std::chrono::hours(24);
  import(f, "s5,0409876543,Veera,fi,G1,T,2026-08-10,,\n", t1);
  const auto s5 = id_of(f, "s5");
  CHECK(store.get_student(s5)->opted_out);
  CHECK_FALSE(selected(f, s5));
  const auto r = checkin(f, s5, t1);
  CHECK_FALSE(r.started);
  CHECK(r.sent == 0);
  CHECK(r.withheld == 1);

  SECTION("START from the number, now a student's, texts them again") {
    const auto t2 = t1 + std::chrono::minutes(1);
    REQUIRE(
        f.conv->handle_inbound(store, "console", testing::inbound_sms(phone, "START", "m2"), t2));
    CHECK_FALSE(store.number_opted_out(phone));
    CHECK_FALSE(store.get_student(s5)->opted_out);
    CHECK(selected(f, s5));
    const auto again = checkin(f, s5, t2);
    CHECK(again.started);
    CHECK(again.withheld == 0);
  }
}

TEST_CASE("START from a number no student has yet ends its STOP", "[app][opt_out]") {
  testing::app_fixture f("tuki-optin-unknown");
  auto& store = *f.store;
  // The gateway gives the number in a national format the second time: the same number.
  REQUIRE(f.conv->handle_inbound(store, "console",
                                 testing::inbound_sms("+358409876543", "STOP", "m1"), t0));
  REQUIRE(store.number_opted_out("+358409876543"));
  auto start =
      f.conv->handle_inbound(store, "console", testing::inbound_sms("0409876543", "START", "m2"),
                             t0 + std::chrono::minutes(1));
  REQUIRE(start);
  CHECK(start->replies == 0);
  CHECK_FALSE(store.number_opted_out("+358409876543"));
  const auto t1 = t0 + std::chrono::hours(24);
  import(f, "s5,0409876543,Veera,fi,G1,T,2026-08-10,,\n", t1);
  const auto s5 = id_of(f, "s5");
  CHECK_FALSE(store.get_student(s5)->opted_out);
  const auto r = checkin(f, s5, t1);
  CHECK(r.started);
  CHECK(r.withheld == 0);
}

namespace {

// A dialog that opts the student out by its own step, with a message of its own.
const char* leave_dialog = R"(tuki_dialog: 1
id: leave
base_language: en
languages: [en]
expiry: 48h
start: ask
nodes:
  - id: ask
    text: "Shall we keep texting you? yes/no"
    wait:
    cases:
      - {match: {yes_no: "no"}, category: "no"}
      - {match: {yes_no: "yes"}, category: "yes"}
    default: {category: unknown, max_hints: 0, fallback: "yes"}
    categories:
      "no":
        actions: [{send: {en: "OK, no more texts from us. Send START to get them again."}}, {opt_out: true}]
      "yes": {next: bye}
  - id: bye
    text: "Good, talk soon."
)";

}  // namespace

TEST_CASE("a dialog step that opts the student out sends its own confirmation, and nothing after",
          "[app][opt_out]") {
  testing::app_fixture f("tuki-optout-dialog");
  testing::dialog_dir dir{"tuki_optout_dialog"};
  dir.write("leave.yaml", leave_dialog);
  auto lib = dialog::dialog_library::load(dir.path);
  INFO(lib.error().message());
  REQUIRE(lib);
  f.conv->set_library(std::make_shared<const dialog::dialog_library>(std::move(*lib)));
  auto& store = *f.store;
  import(f, "s1,0401234567,Aino,en,G1,T,2026-08-10,,\n", t0);
  const auto s1 = id_of(f, "s1");
  REQUIRE(f.conv->start_checkin(store, s1, "leave", t0).value());
  REQUIRE(store.claim_sms_batch(10, t0)->sms.size() == 1);  // the question

  const auto t1 = t0 + std::chrono::minutes(5);
  auto answered = f.conv->handle_inbound(store, "console",
                                         testing::inbound_sms("+358401234567", "no", "m1"), t1);
  REQUIRE(answered);
  CHECK(answered->replies == 1);
  CHECK(store.get_student(s1)->opted_out);
  CHECK(store.number_opted_out("+358401234567"));
  const auto claim = store.claim_sms_batch(10, t1);
  REQUIRE(claim);
  CHECK(claim->withheld == 0);
  REQUIRE(claim->sms.size() == 1);
  CHECK(claim->sms[0].body == "OK, no more texts from us. Send START to get them again.");

  // A later check-in is not started, and one queued before is withheld.
  const auto t2 = t1 + std::chrono::hours(24 * 7);
  CHECK_FALSE(f.conv->start_checkin(store, s1, "leave", t2).value());
  REQUIRE(store.enqueue_sms(s1, "console", "Hi again", 2, "checkin", t2, t2));
  const auto later = store.claim_sms_batch(10, t2);
  REQUIRE(later);
  CHECK(later->sms.empty());
  CHECK(later->withheld == 1);
}
