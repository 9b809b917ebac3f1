// The schema-4 store methods: message cost and expiry, failed deliveries, campaigns and planned
// sends, events, rule runs. Real SQLite files, explicit times.
#include "tuki/adapters/store/sqlite_store.hpp"

#include <filesystem>

#include <catch2/catch.hpp>

using namespace tuki;
using namespace tuki::adapters;

namespace {

struct temp_store {
  std::filesystem::path path;
  std::unique_ptr<sqlite_store> store;
  temp_store() {
    static int n = 0;
    path = std::filesystem::temp_directory_path() /
           ("tuki-delivery-" + std::to_string(::getpid()) + "-" + std::to_string(n++) + ".db");
    cleanup();
    auto st = sqlite_store::open(path.string());
    REQUIRE(st);
    store = std::move(*st);
    REQUIRE(store->upsert_institution("varia", "Varia", "FI", "Europe/Helsinki").is_ok());
  }
  ~temp_store() {
    store.reset();
    cleanup();
  }
  void cleanup() {
    for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
  }
  std::int64_t add_students(int n, core::instant now) {
    std::vector<core::student> v;
    for (int i = 1; i <= n; ++i) {
      core::student s;
      s.institution_id = "varia";
      s.ref = "s" + std::to_string(i);
      s.phone = "+35840000" + std::to_string(1000 + i);
      s.first_name = "Aino";
      s.language = "fi";
      s.group = i % 2 ? "AUT21" : "LOG22";
      s.start_date = "2026-08-10";
      v.push_back(s);
    }
    return store->upsert_students(v, now).value();
  }
};

const core::instant t0 = core::from_unix_ms(1'795'000'000'000);
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

}  // namespace

TEST_CASE("an outbound SMS stores its segment count and encoding", "[delivery][store]") {
  temp_store db;
  db.add_students(1, t0);
  auto& s = *db.store;
  auto gsm = s.enqueue_sms(1, "console", "Moi Aino! Miten opinnot sujuvat? Vastaa 1-5.", 2, "q", t0, t0);
  auto ucs = s.enqueue_sms(1, "console", "Labas! Kaip sekasi mokytis? Atsakyk 1–5. ąčęėįšųūž", 2, "q", t0, t0);
  auto longer = s.enqueue_sms(1, "console", std::string(161, 'a'), 2, "q", t0, t0);
  REQUIRE(gsm);
  REQUIRE(ucs);
  REQUIRE(longer);
  CHECK((s.message_cost(*gsm) == std::pair<int, std::string>(1, "gsm7")));
  CHECK((s.message_cost(*ucs) == std::pair<int, std::string>(1, "ucs2")));
  CHECK((s.message_cost(*longer) == std::pair<int, std::string>(2, "gsm7")));
  auto claimed = s.claim_sms(10, t0).value();
  REQUIRE(claimed.size() == 3);
  CHECK(claimed[2].segments == 2);
}

TEST_CASE("a queued SMS not sent within its validity expires, with history", "[delivery][store]") {
  temp_store db;
  db.add_students(1, t0);
  auto& s = *db.store;
  s.set_message_validity(hours(24));
  auto old_one = s.enqueue_sms(1, "console", "a", 2, "q", t0, t0).value();
  auto later = s.enqueue_sms(1, "console", "b", 2, "q", t0 + hours(20), t0).value();  // due later
  auto sent = s.enqueue_sms(1, "console", "c", 2, "q", t0, t0).value();
  REQUIRE(s.set_message_status(sent, "sent", "", t0).is_ok());
  CHECK(s.expire_messages(t0 + hours(23)).value() == 0);
  CHECK(s.sms_outbox_depth() == 2);
  CHECK(s.expire_messages(t0 + hours(24)).value() == 1);
  CHECK(s.message_status(old_one) == "expired");
  CHECK(s.message_status(later) == "queued");  // valid until 24 h after it is due
  CHECK(s.message_status(sent) == "sent");
  CHECK(s.sms_outbox_depth() == 1);
  auto& q = s.db().prepare("SELECT status FROM message_status WHERE message_id = ?1 ORDER BY rowid");
  q.bind(1, old_one);
  std::vector<std::string> history;
  while (q.step()) history.push_back(q.column_text(0));
  q.reset();
  CHECK(history == std::vector<std::string>{"queued", "expired"});
  CHECK(s.expire_messages(t0 + hours(44)).value() == 1);
  CHECK(s.message_status(later) == "expired");
}

TEST_CASE("failed deliveries are counted per student", "[delivery][store]") {
  temp_store db;
  db.add_students(3, t0);
  auto& s = *db.store;
  auto m1 = s.enqueue_sms(2, "console", "a", 2, "q", t0, t0).value();
  auto m2 = s.enqueue_sms(2, "console", "b", 2, "q", t0, t0).value();
  auto m3 = s.enqueue_sms(3, "console", "c", 2, "q", t0, t0).value();
  REQUIRE(s.record_delivery_failure(m1, t0).is_ok());
  REQUIRE(s.record_delivery_failure(m2, t0 + minutes(5)).is_ok());
  REQUIRE(s.record_delivery_failure(m3, t0).is_ok());
  CHECK(s.record_delivery_failure(9999, t0).error_code() == core::status::code::not_found);
  CHECK(s.delivery_failures(1) == 0);
  CHECK(s.delivery_failures(2) == 2);
  auto rows = s.students_with_delivery_failures("varia");
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].ref == "s2");
  CHECK(rows[0].failures == 2);
  CHECK(rows[0].last_failure == t0 + minutes(5));
  CHECK(rows[1].ref == "s3");
}

TEST_CASE("campaigns are unique per rule run; planned sends come due in order", "[delivery][store]") {
  temp_store db;
  db.add_students(4, t0);
  auto& s = *db.store;
  campaign_row c{0, "varia", "weekly", "2026-11-24", "weekly_checkin", 4, 3, 1, 3};
  auto id = s.create_campaign(c, t0);
  REQUIRE(id);
  CHECK(s.create_campaign(c, t0).error().error_code() == core::status::code::already_exists);
  std::vector<planned_send_row> sends{{1, 0, t0 + minutes(10)}, {2, 0, t0}, {3, 1, t0 + hours(24)}};
  REQUIRE(s.add_planned_sends(*id, sends, t0).is_ok());
  CHECK(s.planned_sends_waiting() == 3);
  auto due = s.due_planned_sends(t0 + minutes(10), 10);
  REQUIRE(due.size() == 2);
  CHECK(due[0].student_id == 2);  // earliest first
  CHECK(due[1].student_id == 1);
  CHECK(due[0].dialog_id == "weekly_checkin");
  REQUIRE(s.finish_planned_send(due[0].id, "started", t0).is_ok());
  REQUIRE(s.postpone_planned_send(due[1].id, t0 + hours(2), t0).is_ok());
  CHECK(s.due_planned_sends(t0 + minutes(10), 10).empty());
  CHECK(s.planned_sends_waiting() == 2);
  CHECK(s.find_campaign(*id)->segments_estimate == 3);
}

TEST_CASE("campaign candidates carry caps, sessions and dates", "[delivery][store]") {
  temp_store db;
  db.add_students(3, t0);
  auto& s = *db.store;
  REQUIRE(s.set_contact_state(1, true, std::nullopt, t0).is_ok());
  REQUIRE(s.save_session(2, "weekly_checkin", "{}", t0).is_ok());
  REQUIRE(s.set_last_checkin(3, t0 - hours(48)).is_ok());
  auto all = s.campaign_candidates("varia", "all");
  REQUIRE(all.size() == 3);
  CHECK(all[0].opted_out);
  CHECK(all[1].active);
  CHECK_FALSE(all[0].active);
  CHECK(all[2].last_checkin == t0 - hours(48));
  CHECK(all[2].start_date == "2026-08-10");
  CHECK(s.campaign_candidates("varia", "LOG22").size() == 1);
  CHECK(s.campaign_candidates("varia", "s3").size() == 1);
}

TEST_CASE("events, rule runs and scheduler marks", "[delivery][store]") {
  temp_store db;
  db.add_students(2, t0);
  auto& s = *db.store;
  CHECK(s.student_id_by_ref("varia", "s2") == 2);
  CHECK_FALSE(s.student_id_by_ref("varia", "nobody"));
  std::vector<event_row> ev{{1, "absence", "2026-09-01", 1},
                            {1, "absence", "2026-09-03", 2.5},
                            {2, "late", "2026-09-02", 1}};
  REQUIRE(s.add_events("varia", ev, t0).value().added == 3);
  auto [students, max_id] = s.students_with_new_events("varia", "absence", 0);
  CHECK(students == std::vector<std::int64_t>{1});
  CHECK(max_id == 2);
  CHECK(s.students_with_new_events("varia", "absence", max_id).first.empty());
  auto mine = s.student_events(1, "absence", "2026-09-01");
  REQUIRE(mine.size() == 1);
  CHECK(mine[0].day == "2026-09-03");
  CHECK(mine[0].value == 2.5);
  CHECK(s.add_rule_run("varia", "absences", 1, "2026-09-03", t0).value());
  CHECK_FALSE(s.add_rule_run("varia", "absences", 1, "2026-09-03", t0).value());
  CHECK(s.add_rule_run("varia", "absences", 1, "2026-09-20", t0).value());
  CHECK(s.last_rule_run("varia", "absences", 1) == "2026-09-20");
  CHECK_FALSE(s.last_rule_run("varia", "absences", 2));
  CHECK_FALSE(s.scheduler_mark("m"));
  REQUIRE(s.set_scheduler_mark("m", 7).is_ok());
  REQUIRE(s.set_scheduler_mark("m", 9).is_ok());
  CHECK(s.scheduler_mark("m") == 9);
}

TEST_CASE("an event is stored once per student, event and day; again, it takes the new value",
          "[delivery][store]") {
  temp_store db;
  db.add_students(2, t0);
  auto& s = *db.store;
  std::vector<event_row> first{{1, "absence", "2026-09-01", 3}, {1, "absence", "2026-09-02", 2}};
  auto n = s.add_events("varia", first, t0);
  REQUIRE(n);
  CHECK(n->added == 2);
  const auto mark = s.students_with_new_events("varia", "absence", 0).second;

  // The same events again: nothing changes, not even the row ids the triggers look at.
  auto again = s.add_events("varia", first, t0 + std::chrono::hours(1));
  REQUIRE(again);
  CHECK(again->added == 0);
  CHECK(again->updated == 0);
  CHECK(again->unchanged == 2);
  CHECK(s.students_with_new_events("varia", "absence", mark).first.empty());
  auto events = s.student_events(1, "absence", "");
  REQUIRE(events.size() == 2);
  CHECK(events[0].value + events[1].value == 5);

  // A new value replaces the old one (the last of several wins) and is new to the triggers;
  // another student's event on the same day is an event of its own.
  std::vector<event_row> more{{1, "absence", "2026-09-01", 1},
                              {1, "absence", "2026-09-01", 4},
                              {2, "absence", "2026-09-01", 3},
                              {1, "late", "2026-09-01", 3}};
  auto changed = s.add_events("varia", more, t0 + std::chrono::hours(2));
  REQUIRE(changed);
  CHECK(changed->added == 2);
  CHECK(changed->updated == 2);
  CHECK(changed->unchanged == 0);
  CHECK(s.students_with_new_events("varia", "absence", mark).first ==
        std::vector<std::int64_t>{1, 2});
  events = s.student_events(1, "absence", "");
  REQUIRE(events.size() == 2);
  CHECK(events[0].day == "2026-09-01");
  CHECK(events[0].value == 4);
  CHECK(events[1].value == 2);
}

TEST_CASE("resume_gateway makes a gateway's waiting retries due, so claims follow priority again",
          "[delivery][store]") {
  temp_store db;
  db.add_students(2, t0);
  auto& s = *db.store;
  auto bulk = s.enqueue_sms(1, "kannel", "check-in", 2, "question", t0, t0).value();
  auto crisis = s.enqueue_sms(2, "kannel", "helpline", 0, "crisis_helpline", t0, t0).value();
  auto other = s.enqueue_sms(1, "twilio", "other gateway", 1, "reply", t0, t0).value();
  auto planned = s.enqueue_sms(2, "kannel", "staggered", 2, "question", t0 + hours(1), t0).value();
  REQUIRE(s.claim_sms(10, t0)->size() == 3);
  // The outage: each message backs off on its own; the crisis reply happens to wait longest.
  REQUIRE(s.set_message_status(bulk, "queued", "503", t0, t0 + minutes(1)).is_ok());
  REQUIRE(s.set_message_status(crisis, "queued", "503", t0, t0 + minutes(5)).is_ok());
  REQUIRE(s.set_message_status(other, "queued", "503", t0, t0 + minutes(5)).is_ok());
  const auto back = t0 + minutes(2);
  CHECK(s.resume_gateway("kannel", back).value() == 1);  // the crisis reply; bulk is due already
  auto claimed = s.claim_sms(10, back).value();
  REQUIRE(claimed.size() == 2);
  CHECK(claimed[0].id == crisis);
  CHECK(claimed[0].priority == 0);
  CHECK(claimed[1].id == bulk);
  CHECK(s.message_status(other) == "queued");    // another gateway's retry keeps its backoff
  CHECK(s.message_status(planned) == "queued");  // a first attempt planned for later stays later
  auto later = s.claim_sms(10, t0 + minutes(59)).value();  // twilio's retry came due on its own
  REQUIRE(later.size() == 1);
  CHECK(later[0].id == other);
}

TEST_CASE("resume_gateway leaves the retries its own job has just stored to their backoff",
          "[delivery][store]") {
  temp_store db;
  db.add_students(2, t0);
  auto& s = *db.store;
  auto earlier = s.enqueue_sms(1, "kannel", "earlier", 2, "question", t0, t0).value();
  auto throttled = s.enqueue_sms(2, "kannel", "throttled", 2, "question", t0, t0).value();
  REQUIRE(s.claim_sms(10, t0)->size() == 2);
  REQUIRE(s.set_message_status(earlier, "queued", "503", t0, t0 + minutes(5)).is_ok());
  // The job that stores this 429 resumes the gateway: the 429 keeps its backoff.
  REQUIRE(s.set_message_status(throttled, "queued", "429", t0, t0 + minutes(5)).is_ok());
  CHECK(s.resume_gateway("kannel", t0 + seconds(1), {throttled}).value() == 1);
  auto claimed = s.claim_sms(10, t0 + seconds(1)).value();
  REQUIRE(claimed.size() == 1);
  CHECK(claimed[0].id == earlier);
  CHECK(s.message_status(throttled) == "queued");
}
