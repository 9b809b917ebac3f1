// Campaign planning glue and the scheduler's store-side work on explicit times: real SQLite
// files, the shipped dialogs, schedules parsed from text. No clock, no network.
#include "tuki/app/scheduler.hpp"

#include <chrono>
#include <filesystem>
#include <iostream>

#include <catch2/catch.hpp>

#include "tuki/app/event_import.hpp"
#include "tuki/app/send_window.hpp"
#include "tuki/app/service.hpp"
#include "tuki/core/schedule/local_time.hpp"

#include "support/app_fixture.hpp"

using namespace tuki;
namespace fs = std::filesystem;
using std::chrono::hours;
using std::chrono::minutes;

namespace {

// Tuesday 2026-11-24, 09:00 in Helsinki (UTC+2).
const core::instant tue_0900 = core::from_unix_ms(1'795'503'600'000);
const core::instant tue_2100 = core::from_unix_ms(1'795'546'800'000);

// Weekdays 08:00-20:00 in Helsinki; each test's rules follow.
const std::string schedule_head = R"(tuki_schedule: 1
institution: varia
time_zone: Europe/Helsinki
quiet_hours:
  send_from: "08:00"
  send_until: "20:00"
  weekdays: [mon, tue, wed, thu, fri]
)";

const std::string schedule_yaml = schedule_head + R"(fairness:
  min_days_between_checkins: 7
  capacity_per_day: 1
  need_rate: 0.5
recurring:
  - id: weekly
    dialog: weekly_checkin
    weekdays: [tue]
    at: "10:00"
    from: 2026-11-01
    until: 2026-12-31
    students:
      group: AUT21
milestones:
  - id: two_weeks_in
    dialog: weekly_checkin
    date: start_date
    offset: "+14 days at 10:00"
triggers:
  - id: absences
    dialog: weekly_checkin
    event: absence
    threshold: 2
    within_days: 14
)";

struct fixture : testing::app_fixture {
  schedule::schedule_file sched;

  fixture() : app_fixture("tuki-scheduler") { use_schedule(schedule_yaml); }
  void add_students(int n, const std::string& start_date = "2026-08-10") {
    std::vector<core::student> v;
    for (int i = 1; i <= n; ++i) {
      core::student s;
      s.institution_id = "varia";
      s.ref = "s" + std::to_string(i);
      s.phone = "+3584000" + std::to_string(10000 + i);
      s.first_name = "Aino";
      s.language = "fi";
      s.group = "AUT21";
      s.start_date = start_date;
      v.push_back(s);
    }
    REQUIRE(store->upsert_students(v, tue_0900 - hours(24 * 30)).is_ok());
  }
  std::int64_t count(const std::string& sql) {
    auto& q = store->db().prepare(sql);
    std::int64_t n = q.step() ? q.column_int(0) : -1;
    q.reset();
    return n;
  }
  void use_schedule(const std::string& yaml) {
    auto parsed = schedule::parse_schedule(yaml, "test-schedule.yaml");
    INFO(parsed.error().to_string());
    REQUIRE(parsed);
    sched = *parsed;
  }
  app::scheduler make_scheduler() {
    std::map<std::string, schedule::schedule_file> m{{"varia", sched}};
    return app::scheduler(cfg, m, *conv);
  }
};

}  // namespace

TEST_CASE("a campaign skips opted-out, active and capped students and staggers the rest",
          "[campaign]") {
  fixture f;
  f.add_students(6);
  auto& s = *f.store;
  REQUIRE(s.set_contact_state(1, true, std::nullopt, tue_0900).is_ok());  // opted out
  REQUIRE(s.save_session(2, "weekly_checkin", "{}", tue_0900).is_ok());    // active
  REQUIRE(s.set_last_checkin(3, tue_0900 - hours(24 * 3)).is_ok());        // capped (< 7 days)
  auto rows = s.campaign_candidates("varia", "all");
  app::campaign_request req{"varia", "weekly_checkin", "manual", "k1", false, false, std::nullopt};
  std::size_t asked = 0;
  app::segment_estimator est = [&](const adapters::campaign_candidate_row&) {
    ++asked;
    return std::size_t{2};
  };
  auto r = app::plan_and_store_campaign(s, f.sched, rows, req, est, tue_0900);
  INFO(r.error().to_string());
  REQUIRE(r);
  CHECK(r->selected == 6);
  CHECK(r->planned == 3);
  CHECK((r->skipped == std::array<std::size_t, 4>{1, 0, 1, 1}));
  CHECK(r->per_day_limit == 2);  // capacity 1 / need rate 0.5
  REQUIRE(r->per_day.size() == 2);
  CHECK((r->per_day[0] == std::pair{date::local_days(date::year{2026} / 11 / 24), std::size_t{2}}));
  CHECK((r->per_day[1] == std::pair{date::local_days(date::year{2026} / 11 / 25), std::size_t{1}}));
  CHECK(r->segments == 6);  // of the three planned
  // Asked of every student not skipped at once: the cap is judged later, on the student's day.
  CHECK(asked == 4);
  CHECK(r->campaign_id > 0);
  CHECK(f.count("SELECT COUNT(*) FROM planned_sends") == 3);
  // Everything planned is inside the sending window (08:00-20:00 Helsinki = 06:00-18:00 UTC).
  CHECK(f.count("SELECT COUNT(*) FROM planned_sends WHERE (due_at / 1000 / 3600) % 24 NOT BETWEEN 6 AND 17") == 0);
  // The same rule run is never planned twice.
  auto again = app::plan_and_store_campaign(s, f.sched, rows, req, est, tue_0900);
  CHECK(again.error().error_code() == core::status::code::already_exists);
  // A dry run stores nothing.
  req.run_key = "k2";
  req.dry_run = true;
  auto dry = app::plan_and_store_campaign(s, f.sched, rows, req, est, tue_0900);
  REQUIRE(dry);
  CHECK(dry->campaign_id == 0);
  CHECK(dry->planned == 3);
  CHECK(f.count("SELECT COUNT(*) FROM campaigns") == 1);
}

TEST_CASE("an immediate campaign at night is due at the next allowed morning", "[campaign]") {
  fixture f;
  f.add_students(2);
  auto rows = f.store->campaign_candidates("varia", "all");
  app::campaign_request req{"varia", "weekly_checkin", "manual", "night", true, false, std::nullopt};
  auto r = app::plan_and_store_campaign(*f.store, f.sched, rows, req, {}, tue_2100);
  REQUIRE(r);
  CHECK(r->planned == 2);
  // Wednesday 08:00 Helsinki = 06:00 UTC = Tuesday 21:00 Helsinki + 11 h.
  const auto wed_0800 = core::to_unix_ms(tue_2100 + hours(11));
  CHECK(f.count("SELECT COUNT(*) FROM planned_sends WHERE due_at = " + std::to_string(wed_0800)) == 2);
  // The report names the day they go (Wednesday), not the day it was planned.
  REQUIRE(r->per_day.size() == 1);
  CHECK((r->per_day[0] == std::pair{date::local_days(date::year{2026} / 11 / 25), std::size_t{2}}));
}

TEST_CASE("start_due starts check-ins, respects quiet hours and backpressure", "[scheduler]") {
  fixture f;
  f.add_students(3);
  auto& s = *f.store;
  auto sch = f.make_scheduler();
  adapters::campaign_row c{0, "varia", "manual", "x", "weekly_checkin", 3, 3, 0, 0};
  auto id = s.create_campaign(c, tue_0900).value();
  std::vector<adapters::planned_send_row> sends{{1, 0, tue_0900}, {2, 0, tue_0900}, {3, 0, tue_0900}};
  REQUIRE(s.add_planned_sends(id, sends, tue_0900).is_ok());

  // Night: the pump was late; nothing starts, everything moves to 08:00.
  auto night = sch.start_due(s, tue_2100, 10, 100);
  REQUIRE(night);
  CHECK(night->postponed == 3);
  CHECK(night->started == 0);
  CHECK(f.count("SELECT COUNT(*) FROM messages") == 0);
  const auto wed_0800 = tue_2100 + hours(11);
  CHECK(f.count("SELECT COUNT(*) FROM planned_sends WHERE due_at = " +
                std::to_string(core::to_unix_ms(wed_0800))) == 3);

  // Morning, but the outbox holds at most 2: two start, then backpressure holds the third.
  auto first = sch.start_due(s, wed_0800, 10, 2);
  REQUIRE(first);
  CHECK(first->started == 2);
  CHECK(f.count("SELECT COUNT(*) FROM messages WHERE direction = 'out' AND status = 'queued'") == 2);
  CHECK(f.count("SELECT COUNT(*) FROM sessions") == 2);
  auto held = sch.start_due(s, wed_0800, 10, 2);
  REQUIRE(held);
  CHECK(held->held_back);
  CHECK(held->started == 0);
  CHECK(s.planned_sends_waiting() == 1);
  REQUIRE(s.set_message_status(1, "sent", "", wed_0800).is_ok());  // the outbox drains
  auto rest = sch.start_due(s, wed_0800, 10, 2);
  REQUIRE(rest);
  CHECK(rest->started == 1);
  CHECK(s.planned_sends_waiting() == 0);
  CHECK(f.count("SELECT COUNT(*) FROM students WHERE last_checkin_at IS NOT NULL") == 3);
}

TEST_CASE("start_due holds the cap: a student planned by two campaigns gets one check-in per "
          "min_days_between_checkins",
          "[scheduler]") {
  fixture f;
  f.add_students(2);
  auto& s = *f.store;
  auto sch = f.make_scheduler();  // min_days_between_checkins: 7
  // Two campaigns both planned student 1 (say an oversubscribed weekly rule, planned again a week
  // later): on Tuesday and on Thursday. Student 2 is planned on Thursday only.
  adapters::campaign_row week1{0, "varia", "weekly", "2026-11-17", "weekly_checkin", 1, 1, 0, 0};
  adapters::campaign_row week2{0, "varia", "weekly", "2026-11-24", "weekly_checkin", 2, 2, 0, 0};
  auto first = s.create_campaign(week1, tue_0900).value();
  auto second = s.create_campaign(week2, tue_0900).value();
  const auto thu_0900 = tue_0900 + hours(48);
  std::vector<adapters::planned_send_row> a{{1, 0, tue_0900}};
  std::vector<adapters::planned_send_row> b{{1, 2, thu_0900}, {2, 2, thu_0900}};
  REQUIRE(s.add_planned_sends(first, a, tue_0900).is_ok());
  REQUIRE(s.add_planned_sends(second, b, tue_0900).is_ok());

  auto tue = sch.start_due(s, tue_0900, 10, 100);
  REQUIRE(tue);
  CHECK(tue->started == 1);
  REQUIRE(s.delete_session(1).is_ok());  // the dialog ended: no active session holds it back

  auto thu = sch.start_due(s, thu_0900, 10, 100);
  REQUIRE(thu);
  CHECK(thu->started == 1);  // student 2
  CHECK(thu->skipped == 1);  // student 1: two days after the last check-in
  CHECK(f.count("SELECT COUNT(*) FROM planned_sends WHERE student_id = 1 AND status = 'skipped'") == 1);
  CHECK(f.count("SELECT COUNT(*) FROM messages WHERE direction = 'out' AND student_id = 1") == 1);
  CHECK(f.count("SELECT COUNT(*) FROM sessions") == 1);

  // A week after the first check-in the cap no longer holds.
  std::vector<adapters::planned_send_row> later{{1, 7, tue_0900 + hours(24 * 7)}};
  REQUIRE(s.add_planned_sends(second, later, thu_0900).is_ok());
  auto next_tue = sch.start_due(s, tue_0900 + hours(24 * 7), 10, 100);
  REQUIRE(next_tue);
  CHECK(next_tue->started == 1);
}

TEST_CASE("a recurring rule plans only what goes out before its next occurrence, least recently "
          "checked in first",
          "[scheduler]") {
  fixture f;
  f.add_students(13);  // all in AUT21, the weekly rule's audience
  auto& s = *f.store;
  auto sch = f.make_scheduler();
  const auto tue_1030 = tue_0900 + minutes(90);
  // Students 1-3 had a check-in ten days ago; the others never had one.
  for (int id : {1, 2, 3}) REQUIRE(s.set_last_checkin(id, tue_1030 - hours(24 * 10)).is_ok());

  // capacity_per_day 1 / need_rate 0.5 = 2 a day; Tue, Wed, Thu, Fri and Mon come before the
  // next Tuesday: 10 students now, the never-contacted first, 3 deferred.
  auto r = sch.evaluate_rules(s, tue_1030);
  INFO(r.error().to_string());
  REQUIRE(r);
  CHECK(r->campaigns == 1);
  CHECK(r->planned == 10);
  CHECK(r->deferred == 3);
  CHECK(f.count("SELECT COUNT(*) FROM planned_sends WHERE student_id IN (1, 2, 3)") == 0);
  CHECK(f.count("SELECT COUNT(DISTINCT student_id) FROM planned_sends") == 10);
  const auto next_tue = tue_1030 + hours(24 * 7);
  CHECK(f.count("SELECT COUNT(*) FROM planned_sends WHERE due_at >= " +
                std::to_string(core::to_unix_ms(next_tue - minutes(90)))) == 0);
  CHECK(f.count("SELECT COUNT(*) FROM campaigns WHERE planned = 10") == 1);

  // By the next Tuesday the ten have had their check-ins (all started on Wednesday), so that
  // occurrence plans the three it left first: two on Tuesday, one on Wednesday. Seven of the ten
  // follow from Wednesday on (7 days after their last; on Tuesday they would be capped), and
  // three are left to the occurrence after.
  for (int id = 4; id <= 13; ++id) REQUIRE(s.set_last_checkin(id, tue_1030 + hours(24)).is_ok());
  auto week2 = sch.evaluate_rules(s, next_tue);
  REQUIRE(week2);
  CHECK(week2->campaigns == 1);
  CHECK(week2->planned == 10);
  CHECK(week2->deferred == 3);
  const auto week2_wed = std::to_string(core::to_unix_ms(next_tue + hours(12)));
  CHECK(f.count("SELECT COUNT(*) FROM planned_sends WHERE student_id IN (1, 2, 3) AND due_at < " +
                week2_wed) == 2);  // 2 on Tuesday
  CHECK(f.count("SELECT COUNT(*) FROM planned_sends WHERE student_id IN (1, 2, 3)") == 3);
  const std::string week2_ten =
      "SELECT COUNT(*) FROM planned_sends WHERE student_id > 3 AND "
      "campaign_id = (SELECT MAX(id) FROM campaigns)";
  CHECK(f.count(week2_ten) == 7);
  CHECK(f.count(week2_ten + " AND due_at < " + week2_wed) == 0);  // none on Tuesday
}

TEST_CASE("a weekly rule reaches a student every week, whatever the hour of last week's send",
          "[scheduler]") {
  fixture f;
  f.add_students(2);
  auto& s = *f.store;
  auto sch = f.make_scheduler();
  const auto tue_1030 = tue_0900 + minutes(90);
  // Last week's check-ins went out late in the staggered Tuesday (17:30 and 19:59 local), so
  // fewer than 7 x 24 hours lie between them and this Tuesday's 10:00: 7 calendar days do.
  const auto last_tue = tue_0900 - hours(24 * 7);
  REQUIRE(s.set_last_checkin(1, last_tue + hours(8) + minutes(30)).is_ok());
  REQUIRE(s.set_last_checkin(2, last_tue + hours(10) + minutes(59)).is_ok());
  auto r = sch.evaluate_rules(s, tue_1030);
  INFO(r.error().to_string());
  REQUIRE(r);
  CHECK(r->planned == 2);
  CHECK(f.count("SELECT COUNT(*) FROM campaigns WHERE planned = 2") == 1);
  // ... and the sends start that afternoon (both due by 16:00, the day's window cut in two),
  // not skipped at send time by the same count in hours.
  auto started = sch.start_due(s, tue_1030 + hours(5) + minutes(30), 10, 100);
  REQUIRE(started);
  CHECK(started->skipped == 0);
  CHECK(started->started == 2);
  // A check-in six calendar days ago still caps: at most one a week.
  fixture g;
  g.add_students(1);
  REQUIRE(g.store->set_last_checkin(1, tue_0900 - hours(24 * 6)).is_ok());
  auto capped = g.make_scheduler().evaluate_rules(*g.store, tue_1030);
  REQUIRE(capped);
  CHECK(capped->planned == 0);
}

TEST_CASE(
    "a weekly rule over more than a day's capacity reaches each student every week, on "
    "the same weekday",
    "[scheduler]") {
  fixture f;
  f.add_students(10);  // 2 a day: Tuesday to Monday
  auto& s = *f.store;
  auto sch = f.make_scheduler();
  const auto tue_1030 = tue_0900 + minutes(90);
  auto week1 = sch.evaluate_rules(s, tue_1030);
  INFO(week1.error().to_string());
  REQUIRE(week1);
  CHECK(week1->planned == 10);
  // Each student's check-in goes out when planned (the sends' own times).
  std::map<std::int64_t, std::int64_t> first_due;
  {
    auto& q = s.db().prepare("SELECT student_id, due_at FROM planned_sends");
    while (q.step()) first_due[q.column_int(0)] = q.column_int(1);
    q.reset();
  }
  REQUIRE(first_due.size() == 10);
  for (auto [id, due] : first_due) REQUIRE(s.set_last_checkin(id, core::from_unix_ms(due)).is_ok());
  // Next Tuesday everyone is planned again, each on the weekday of last week: the students sent
  // on Wednesday to Monday were judged on their own day, not capped on Tuesday (6 days or fewer).
  const auto next_tue = tue_1030 + hours(24 * 7);
  auto week2 = sch.evaluate_rules(s, next_tue);
  REQUIRE(week2);
  CHECK(week2->planned == 10);
  CHECK(week2->deferred == 0);
  CHECK(f.count("SELECT skipped FROM campaigns WHERE id = (SELECT MAX(id) FROM campaigns)") == 0);
  const auto& hki = *f.sched.time_zone;
  auto& q = s.db().prepare(
      "SELECT student_id, due_at FROM planned_sends WHERE campaign_id = "
      "(SELECT MAX(id) FROM campaigns)");
  int checked = 0;
  while (q.step()) {
    const auto id = q.column_int(0);
    INFO("student " << id);
    CHECK(schedule::local_day(core::from_unix_ms(q.column_int(1)), hki) -
              schedule::local_day(core::from_unix_ms(first_due.at(id)), hki) ==
          date::days{7});
    ++checked;
  }
  q.reset();
  CHECK(checked == 10);
}

TEST_CASE("a recurring occurrence planned in three steps, its walk on a read connection, is the "
          "one evaluate_rules plans",
          "[scheduler]") {
  const auto tue_1030 = tue_0900 + minutes(90);
  auto prepare = [&](fixture& f) {
    f.add_students(13);
    for (int id : {1, 2, 3}) REQUIRE(f.store->set_last_checkin(id, tue_1030 - hours(24 * 10)).is_ok());
  };
  auto plan_of = [](fixture& f) {
    auto& q = f.store->db().prepare(
        "SELECT group_concat(student_id || ':' || day || ':' || due_at, ' ') FROM "
        "(SELECT * FROM planned_sends ORDER BY student_id)");
    std::string out = q.step() ? q.column_text(0) : "";
    q.reset();
    return out;
  };
  fixture one;
  prepare(one);
  auto whole = one.make_scheduler().evaluate_rules(*one.store, tue_1030);
  REQUIRE(whole);

  fixture split;
  prepare(split);
  auto sch = split.make_scheduler();
  auto others = sch.evaluate_rules(*split.store, tue_1030, /*recurring=*/false);
  REQUIRE(others);
  CHECK(others->campaigns == 0);  // the milestone is not due; no events
  auto runs = sch.due_recurring(*split.store, tue_1030);
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].rule->id == "weekly");
  CHECK(runs[0].run_key == "2026-11-24");
  auto reader = app::open_store(split.cfg);  // a second connection, as the service's read queue
  REQUIRE(reader);
  auto selection = sch.select_recurring(**reader, runs[0], tue_1030);
  INFO(selection.error().to_string());
  REQUIRE(selection);
  CHECK(selection->report().planned == 10);
  CHECK(selection->report().deferred == 3);
  CHECK(split.count("SELECT COUNT(*) FROM rule_runs") == 0);  // selecting wrote nothing
  auto stored = sch.store_recurring(*split.store, runs[0], *selection, tue_1030);
  REQUIRE(stored);
  CHECK(stored->campaigns == whole->campaigns);
  CHECK(stored->planned == whole->planned);
  CHECK(stored->deferred == whole->deferred);
  CHECK(plan_of(split) == plan_of(one));
  CHECK_FALSE(plan_of(one).empty());

  // Recorded with its campaign: not due any more, and the same selection stores nothing twice.
  CHECK(sch.due_recurring(*split.store, tue_1030 + minutes(1)).empty());
  auto again = sch.store_recurring(*split.store, runs[0], *selection, tue_1030);
  REQUIRE(again);
  CHECK(again->campaigns == 0);
  CHECK(split.count("SELECT COUNT(*) FROM planned_sends") == 10);
  CHECK(split.count("SELECT COUNT(*) FROM campaigns") == 1);
}

TEST_CASE("after the spring DST change a daily rule plans only the newest occurrence of the day "
          "before",
          "[scheduler]") {
  fixture f;
  f.add_students(3);
  f.use_schedule(R"(tuki_schedule: 1
institution: varia
time_zone: Europe/Helsinki
quiet_hours:
  send_from: "08:00"
  send_until: "20:00"
  weekdays: [mon, tue, wed, thu, fri, sat, sun]
recurring:
  - id: daily
    dialog: weekly_checkin
    weekdays: [mon, tue, wed, thu, fri, sat, sun]
    at: "10:00"
    from: 2027-03-01
    until: 2027-04-30
)");
  auto sch = f.make_scheduler();
  // Saturday 2027-03-27 10:00 EET is 08:00 UTC; Sunday 10:00 EEST, after the clocks went
  // forward, is 07:00 UTC: 23 hours later. At 07:30 UTC on Sunday both lie in the 24-hour
  // lookback (a service that was down from Saturday morning).
  const core::instant sun_0730_utc = core::from_unix_ms(1'806'219'000'000);
  auto runs = sch.due_recurring(*f.store, sun_0730_utc);
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].run_key == "2027-03-28");
  auto r = sch.evaluate_rules(*f.store, sun_0730_utc);
  INFO(r.error().to_string());
  REQUIRE(r);
  CHECK(r->campaigns == 1);
  CHECK(f.count("SELECT COUNT(*) FROM planned_sends") == 3);
  // Saturday's occurrence is superseded, not planned after Sunday's: nobody is planned twice.
  CHECK(sch.due_recurring(*f.store, sun_0730_utc + minutes(10)).empty());
  auto later = sch.evaluate_rules(*f.store, sun_0730_utc + minutes(10));
  REQUIRE(later);
  CHECK(later->campaigns == 0);
  CHECK(f.count("SELECT COUNT(*) FROM planned_sends") == 3);
  CHECK(f.count("SELECT COUNT(*) FROM rule_runs") == 1);
}

TEST_CASE("a recurring rule late in the day still plans its first campaign day", "[scheduler]") {
  fixture f;
  f.add_students(5);
  f.use_schedule(schedule_head + R"(fairness:
  capacity_per_day: 1
  need_rate: 0.5
recurring:
  - id: daily
    dialog: weekly_checkin
    weekdays: [mon, tue, wed, thu, fri]
    at: "19:00"
    from: 2026-11-01
    until: 2026-12-31
)");
  auto sch = f.make_scheduler();
  // At 19:05 less than an hour of Tuesday's window is left (a first day needs two), so the
  // first campaign day is Wednesday: the next occurrence's day. Its batch is planned. (Monday's
  // 19:00 is just over a day old: not planned late.)
  auto r = sch.evaluate_rules(*f.store, tue_0900 + hours(10) + minutes(5));
  INFO(r.error().to_string());
  REQUIRE(r);
  CHECK(r->campaigns == 1);
  CHECK(r->planned == 2);
  CHECK(r->deferred == 3);
  CHECK(f.count("SELECT COUNT(*) FROM planned_sends WHERE day = 0") == 2);
}

TEST_CASE("schedule rules: recurring, milestones and triggers are planned once", "[scheduler]") {
  fixture f;
  f.add_students(3, "2026-11-10");  // milestone +14 days at 10:00 = Tue 2026-11-24 10:00
  auto& s = *f.store;
  auto sch = f.make_scheduler();
  const auto tue_1030 = tue_0900 + minutes(90);

  // Before 10:00 nothing is due.
  auto early = sch.evaluate_rules(s, tue_0900);
  REQUIRE(early);
  CHECK(early->campaigns == 0);

  auto r = sch.evaluate_rules(s, tue_1030);
  INFO(r.error().to_string());
  REQUIRE(r);
  CHECK(r->campaigns == 2);  // the recurring check-in and the milestone
  CHECK(f.count("SELECT COUNT(*) FROM campaigns WHERE rule_id = 'weekly' AND run_key = '2026-11-24'") == 1);
  CHECK(f.count("SELECT COUNT(*) FROM campaigns WHERE rule_id = 'two_weeks_in'") == 1);
  auto again = sch.evaluate_rules(s, tue_1030 + minutes(1));
  REQUIRE(again);
  CHECK(again->campaigns == 0);

  // Two absences of s2 within 14 days fire the trigger once.
  std::vector<app::event_error> errors;
  std::vector<app::event_input> ev{{0, "s2", "absence", "2026-11-20", 1},
                                   {1, "s2", "absence", "2026-11-23", 1},
                                   {2, "s3", "absence", "2026-11-23", 1}};
  REQUIRE(app::store_events(s, "varia", ev, errors, tue_1030).value().added == 3);
  auto fired = sch.evaluate_rules(s, tue_1030 + minutes(2));
  REQUIRE(fired);
  CHECK(fired->campaigns == 1);
  CHECK(fired->planned == 1);  // s2 alone: s3 has one absence only
  CHECK(f.count("SELECT COUNT(*) FROM rule_runs WHERE rule_id = 'absences' AND student_id = 2 "
                "AND run_key = '2026-11-23'") == 1);
  CHECK(f.count("SELECT COUNT(*) FROM rule_runs WHERE rule_id = 'absences' AND student_id = 3") == 0);
  auto quiet = sch.evaluate_rules(s, tue_1030 + minutes(3));
  REQUIRE(quiet);
  CHECK(quiet->campaigns == 0);
}

TEST_CASE(
    "a backlog of events fires a trigger once, for the latest episode; an old one is only "
    "recorded",
    "[scheduler]") {
  fixture f;
  f.add_students(2);
  auto& s = *f.store;
  auto sch = f.make_scheduler();
  std::vector<app::event_error> errors;
  // s1: three episodes of two absences imported at once (September, October, last week).
  // s2: only the September one.
  std::vector<app::event_input> ev{
      {0, "s1", "absence", "2026-09-01", 1}, {1, "s1", "absence", "2026-09-03", 1},
      {2, "s1", "absence", "2026-10-01", 1}, {3, "s1", "absence", "2026-10-05", 1},
      {4, "s1", "absence", "2026-11-19", 1}, {5, "s1", "absence", "2026-11-23", 1},
      {6, "s2", "absence", "2026-09-01", 1}, {7, "s2", "absence", "2026-09-03", 1}};
  REQUIRE(app::store_events(s, "varia", ev, errors, tue_0900).value().added == 8);
  auto fired = sch.evaluate_rules(s, tue_0900);
  INFO(fired.error().to_string());
  REQUIRE(fired);
  // One check-in, s1's, about the episode they are in now; before, s1's September episode fired
  // and each later import fired the next old one.
  CHECK(fired->planned == 1);
  CHECK(f.count("SELECT COUNT(*) FROM planned_sends WHERE student_id = 1") == 1);
  CHECK(f.count("SELECT COUNT(*) FROM rule_runs WHERE rule_id = 'absences' AND student_id = 1 "
                "AND run_key = '2026-11-23'") == 1);
  // s2's episode ended months ago: recorded, so it never fires, but nothing is sent.
  CHECK(f.count("SELECT COUNT(*) FROM planned_sends WHERE student_id = 2") == 0);
  CHECK(f.count("SELECT COUNT(*) FROM rule_runs WHERE rule_id = 'absences' AND student_id = 2 "
                "AND run_key = '2026-09-03'") == 1);
  // A new import of one absence starts nothing about the old episodes.
  std::vector<app::event_input> more{{0, "s1", "absence", "2026-11-24", 1}};
  REQUIRE(app::store_events(s, "varia", more, errors, tue_0900).value().added == 1);
  auto again = sch.evaluate_rules(s, tue_0900 + minutes(1));
  REQUIRE(again);
  CHECK(again->planned == 0);
}

TEST_CASE("a data trigger fires for the same students whether it looks them up or walks them all",
          "[scheduler]") {
  // Up to trigger_lookup_limit students with new events are looked up by id; more are found in
  // one walk of the institution. Both must give the same campaign.
  const std::size_t limit = GENERATE(std::size_t{0}, std::size_t{100000});
  fixture f;
  f.add_students(6);
  auto& s = *f.store;
  auto sch = f.make_scheduler();
  sch.set_trigger_lookup_limit(limit);
  INFO("lookup limit " << limit);
  std::vector<app::event_error> errors;
  // s2 and s5 reach two absences within 14 days, s3 has one.
  std::vector<app::event_input> ev{{0, "s2", "absence", "2026-11-20", 1},
                                   {1, "s5", "absence", "2026-11-16", 1},
                                   {2, "s2", "absence", "2026-11-23", 1},
                                   {3, "s3", "absence", "2026-11-23", 1},
                                   {4, "s5", "absence", "2026-11-23", 1}};
  REQUIRE(app::store_events(s, "varia", ev, errors, tue_0900).value().added == 5);
  REQUIRE(errors.empty());
  auto fired = sch.evaluate_rules(s, tue_0900);  // before the recurring rule's 10:00
  INFO(fired.error().to_string());
  REQUIRE(fired);
  CHECK(fired->campaigns == 1);
  CHECK(fired->planned == 2);
  CHECK(f.count("SELECT COUNT(*) FROM rule_runs WHERE rule_id = 'absences' AND student_id IN (2, 5) "
                "AND run_key = '2026-11-23'") == 2);
  CHECK(f.count("SELECT COUNT(*) FROM rule_runs WHERE rule_id = 'absences'") == 2);
  CHECK(f.count("SELECT COUNT(*) FROM planned_sends WHERE student_id IN (2, 5)") == 2);
  // One more absence of s3 fires for s3 alone; s2 and s5 are not planned again.
  std::vector<app::event_input> more{{0, "s3", "absence", "2026-11-24", 1}};
  REQUIRE(app::store_events(s, "varia", more, errors, tue_0900).value().added == 1);
  auto again = sch.evaluate_rules(s, tue_0900 + minutes(1));
  REQUIRE(again);
  CHECK(again->planned == 1);
  CHECK(f.count("SELECT COUNT(*) FROM planned_sends WHERE student_id = 3") == 1);
  CHECK(f.count("SELECT COUNT(*) FROM planned_sends") == 3);
}

TEST_CASE("events: a row dated in the future is refused, and the file with it", "[events]") {
  fixture f;
  f.add_students(1);
  auto& s = *f.store;
  std::vector<app::event_error> errors;
  // Tuesday 2026-11-24: Wednesday may be today somewhere; 2027 is a year typed wrong.
  std::vector<app::event_input> ev{{2, "s1", "absence", "2026-11-25", 1},
                                   {3, "s1", "absence", "2027-11-23", 1}};
  auto r = app::store_events(s, "varia", ev, errors, tue_0900);
  REQUIRE(r);
  CHECK(r->added == 0);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].where == 3);
  CHECK(errors[0].reason == "date 2027-11-23 is in the future: events are what happened");
  CHECK(f.count("SELECT COUNT(*) FROM events") == 0);
}

TEST_CASE("events: importing a file again changes nothing and fires no trigger", "[events]") {
  // The trigger: absences summing to 2 within 14 days. Each student below has one absence a day
  // at most, so only a doubled row could fire it.
  fixture f;
  f.add_students(4);
  auto& s = *f.store;
  auto sch = f.make_scheduler();
  auto import = [&](const std::string& rows, core::instant at) {
    std::vector<app::event_error> errors;
    auto items = app::parse_events_csv("student_id,event,date,value\n" + rows, errors).value();
    REQUIRE(errors.empty());
    auto n = app::store_events(s, "varia", items, errors, at);
    INFO(n.error().to_string());
    REQUIRE(n);
    REQUIRE(errors.empty());
    return *n;
  };
  const std::string file = "s2,absence,2026-11-20,1\ns3,absence,2026-11-21,1\n";
  auto first = import(file, tue_0900);
  CHECK(first.added == 2);
  auto again = import(file, tue_0900 + minutes(1));
  CHECK(again.added == 0);
  CHECK(again.updated == 0);
  CHECK(again.unchanged == 2);
  CHECK(f.count("SELECT COUNT(*) FROM events") == 2);
  // The same event twice in one file: the last value wins.
  auto dup = import("s4,absence,2026-11-22,1\ns4,absence,2026-11-22,1\n", tue_0900 + minutes(2));
  CHECK(dup.added == 1);
  CHECK(dup.unchanged == 1);
  CHECK(f.count("SELECT COUNT(*) FROM events WHERE student_id = 4") == 1);
  auto fired = sch.evaluate_rules(s, tue_0900 + minutes(3));  // before the recurring 10:00
  REQUIRE(fired);
  CHECK(fired->campaigns == 0);
  CHECK(f.count("SELECT COUNT(*) FROM rule_runs WHERE rule_id = 'absences'") == 0);

  // A corrected value replaces the stored one, and the trigger sees the change.
  auto fix = import("s2,absence,2026-11-20,2\ns4,absence,2026-11-22,0.5\ns4,absence,2026-11-22,1\n",
                    tue_0900 + minutes(4));
  CHECK(fix.added == 0);
  CHECK(fix.updated == 3);
  CHECK(f.count("SELECT COUNT(*) FROM events WHERE student_id = 2 AND value = 2") == 1);
  CHECK(f.count("SELECT COUNT(*) FROM events WHERE student_id = 4 AND value = 1") == 1);
  CHECK(f.count("SELECT COUNT(*) FROM events") == 3);
  auto refired = sch.evaluate_rules(s, tue_0900 + minutes(5));
  REQUIRE(refired);
  CHECK(refired->planned == 1);
  CHECK(f.count("SELECT COUNT(*) FROM rule_runs WHERE rule_id = 'absences' AND student_id = 2 "
                "AND run_key = '2026-11-20'") == 1);
  CHECK(f.count("SELECT COUNT(*) FROM rule_runs WHERE rule_id = 'absences'") == 1);
}

TEST_CASE("events: CSV and JSON items are checked one by one", "[events]") {
  std::vector<app::event_error> errors;
  auto rows = app::parse_events_csv(
                  "student_id,event,date,value\ns1,absence,2026-09-01,1\ns2,absence,2026-02-30,1\n"
                  "s3,Absence,2026-09-01,\ns4,absence,2026-09-01,x\ns5,late,2026-09-02,\n",
                  errors)
                  .value();
  REQUIRE(rows.size() == 2);
  CHECK(rows[1].value == 1);
  REQUIRE(errors.size() == 3);
  CHECK(errors[0].where == 3);
  CHECK(errors[0].reason ==
        "date '2026-02-30' is not a date (YYYY-MM-DD or D.M.YYYY, a day that exists)");
  CHECK(errors[1].where == 4);
  CHECK(errors[2].reason == "value 'x' is not a number");

  errors.clear();
  auto items = app::parse_events_json(
      R"([{"student_id":"s1","event":"absence","date":"2026-09-01","value":2},
          {"student_id":"s1","event":"absence","date":"2026-09-01","extra":1},
          {"student_id":"s1","event":"absence"}])",
      errors);
  REQUIRE(items.size() == 1);
  CHECK(items[0].value == 2);
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].where == 1);
  CHECK(errors[0].reason == "unknown key 'extra'");
  CHECK(errors[1].where == 2);

  errors.clear();
  app::parse_events_json("{}", errors);
  CHECK(errors.size() == 1);
}

TEST_CASE("a dialog reminder due in quiet hours waits for the morning", "[scheduler]") {
  fixture f;
  f.add_students(1);
  auto& s = *f.store;
  auto sch = f.make_scheduler();
  const auto gate = app::quiet_hours_gate(sch);
  // Started by hand (not a planned send) at 21:00: the reminder falls due at 21:00 next evening.
  REQUIRE(f.conv->start_checkin(s, 1, "weekly_checkin", tue_2100).value());
  REQUIRE(f.count("SELECT COUNT(*) FROM messages WHERE direction = 'out'") == 1);
  const auto wait_timeout = std::string(dialog::timer_wait_timeout);
  const auto reminder_due = core::from_unix_ms(f.count(
      "SELECT due_at FROM timers WHERE kind = '" + wait_timeout + "' AND fired = 0"));
  REQUIRE(reminder_due == tue_2100 + hours(24));
  const auto thu_0800 = tue_2100 + hours(35);

  auto fire_due = [&](core::instant now) {
    for (const auto& t : s.take_due_timers(now, 10)) REQUIRE(f.conv->fire_timer(s, t, now, gate).is_ok());
  };
  fire_due(reminder_due);
  CHECK(f.count("SELECT COUNT(*) FROM messages WHERE direction = 'out'") == 1);
  CHECK(f.count("SELECT COUNT(*) FROM timers WHERE fired = 0 AND kind = '" + wait_timeout +
                "' AND due_at = " + std::to_string(core::to_unix_ms(thu_0800))) == 1);
  fire_due(thu_0800 - minutes(1));  // not yet due: nothing happens
  CHECK(f.count("SELECT COUNT(*) FROM messages WHERE direction = 'out'") == 1);
  fire_due(thu_0800);
  CHECK(f.count("SELECT COUNT(*) FROM messages WHERE direction = 'out' AND purpose = 'reminder'") == 1);
}

TEST_CASE("a reminder in quiet hours goes out when the student has just written", "[scheduler]") {
  fixture f;
  auto sch = f.make_scheduler();
  const auto gate = app::quiet_hours_gate(sch);
  core::student st;
  st.id = 1;
  st.institution_id = "varia";
  // Night in Helsinki; a message from the student 10 minutes ago opens the reply window.
  CHECK(gate(st, std::nullopt, tue_2100).has_value());
  CHECK_FALSE(gate(st, tue_2100 - minutes(10), tue_2100).has_value());
  CHECK(gate(st, tue_2100 - hours(2), tue_2100).has_value());
  CHECK_FALSE(gate(st, std::nullopt, tue_0900).has_value());
  // The student's own zone decides: 21:00 in Helsinki is 14:00 in New York.
  st.timezone = "America/New_York";
  CHECK_FALSE(gate(st, std::nullopt, tue_2100).has_value());
}

TEST_CASE("a message held up until quiet hours begin waits for the morning in the outbox",
          "[scheduler]") {
  fixture f;
  f.add_students(1);
  auto& s = *f.store;
  auto sch = f.make_scheduler();
  const auto tue_1900 = tue_2100 - hours(2);
  const auto wed_0800 = tue_2100 + hours(11);
  auto enqueue = [&](core::sms_priority p, const char* purpose, core::instant at) {
    auto id = s.enqueue_sms(1, "console", "hei", static_cast<int>(p), purpose, at, at);
    REQUIRE(id);
    return *id;
  };
  auto claim = [&](core::instant now) {
    auto c = s.claim_sms_batch(10, now, 2, app::quiet_hours_hold(sch, now));
    REQUIRE(c);
    std::vector<std::int64_t> ids;
    for (const auto& m : c->sms) ids.push_back(m.id);
    return std::pair{ids, c->held};
  };
  // Queued at 19:00 (a check-in's opening, a reply) and still queued at 21:00 (a gateway
  // outage): the opening waits; the crisis text goes whatever the hour.
  const auto opening = enqueue(core::sms_priority::bulk, "question", tue_1900);
  const auto crisis = enqueue(core::sms_priority::crisis, "crisis_helpline", tue_1900);
  auto [night, held] = claim(tue_2100);
  CHECK(night == std::vector<std::int64_t>{crisis});
  CHECK(held == 1);
  CHECK(f.count("SELECT next_attempt_at FROM messages WHERE id = " + std::to_string(opening)) ==
        core::to_unix_ms(wed_0800));
  CHECK(f.count("SELECT COUNT(*) FROM messages WHERE status = 'queued'") == 1);
  CHECK(claim(wed_0800 - minutes(1)).first.empty());  // not due before 08:00
  CHECK(claim(wed_0800).first == std::vector<std::int64_t>{opening});

  // An answer queued at 19:50 goes within the reply window (30 minutes from then), not later.
  const auto answer = enqueue(core::sms_priority::reply, "reply", tue_1900 + minutes(50));
  CHECK(claim(tue_2100 - minutes(45)).first == std::vector<std::int64_t>{answer});
  const auto late = enqueue(core::sms_priority::reply, "reply", tue_1900 + minutes(50));
  CHECK(claim(tue_2100 - minutes(30)).first.empty());
  CHECK(f.count("SELECT next_attempt_at FROM messages WHERE id = " + std::to_string(late)) ==
        core::to_unix_ms(wed_0800));
  CHECK(claim(wed_0800).first == std::vector<std::int64_t>{late});

  // Queued in quiet hours on purpose (`tuki checkin send` at night): it goes.
  const auto by_hand = enqueue(core::sms_priority::bulk, "question", tue_2100);
  CHECK(claim(tue_2100 + minutes(5)).first == std::vector<std::int64_t>{by_hand});
  // Held from Friday evening to Monday morning: its 24 hours of validity start again then, or
  // it would expire on Saturday, unsent.
  const auto fri_1955 = tue_1900 + hours(24 * 3) + minutes(55);
  const auto mon_0800 = wed_0800 + hours(24 * 5);
  const auto friday = enqueue(core::sms_priority::bulk, "question", fri_1955);
  CHECK(claim(fri_1955 + hours(1)).second == 1);
  REQUIRE(s.expire_messages(mon_0800).value() == 0);
  CHECK(claim(mon_0800).first == std::vector<std::int64_t>{friday});
  // In the day, nothing is held.
  const auto day = enqueue(core::sms_priority::bulk, "question", tue_0900);
  auto [morning, none] = claim(tue_0900 + minutes(5));
  CHECK(morning == std::vector<std::int64_t>{day});
  CHECK(none == 0);
}

TEST_CASE("a text queued at night for the morning and retried into the next night is held again",
          "[scheduler]") {
  fixture f;
  f.add_students(1);
  auto& s = *f.store;
  auto sch = f.make_scheduler();
  const auto wed_0800 = tue_2100 + hours(11);
  const auto wed_2130 = wed_0800 + hours(13) + minutes(30);
  const auto thu_0800 = wed_0800 + hours(24);
  auto claim = [&](core::instant now) {
    auto c = s.claim_sms_batch(10, now, 2, app::quiet_hours_hold(sch, now));
    REQUIRE(c);
    std::vector<std::int64_t> ids;
    for (const auto& m : c->sms) ids.push_back(m.id);
    return std::pair{ids, c->held};
  };
  // A ticket's "seen" SMS, acknowledged at 21:00: the send gate queues it for 08:00. It is a
  // reply, queued in its own reply window: not a text meant to go at night.
  const auto seen = s.enqueue_sms(1, "console", "hei", static_cast<int>(core::sms_priority::reply),
                                  "ticket_seen", wed_0800, tue_2100);
  REQUIRE(seen);
  CHECK(claim(tue_2100 + minutes(5)).first.empty());
  REQUIRE(claim(wed_0800).first == std::vector<std::int64_t>{*seen});
  // The gateway is down all day; the retry falls due at 21:30, in quiet hours.
  REQUIRE(s.set_send_outcome(*seen, "queued", "connection refused", wed_0800, wed_2130).value());
  auto [night, held] = claim(wed_2130);
  CHECK(night.empty());
  CHECK(held == 1);
  CHECK(f.count("SELECT next_attempt_at FROM messages WHERE id = " + std::to_string(*seen)) ==
        core::to_unix_ms(thu_0800));
  CHECK(claim(thu_0800).first == std::vector<std::int64_t>{*seen});
}

// A measurement, not an assertion (no timing assertions in unit tests): run it by hand with
// `tuki_tests "[.perf]"`. Prints how long 100,000 students take to load, plan and store.
TEST_CASE("campaign planning of 100,000 students (measurement)", "[.perf]") {
  fixture f;
  std::vector<core::student> v;
  for (int i = 1; i <= 100'000; ++i) {
    core::student s;
    s.institution_id = "varia";
    s.ref = "s" + std::to_string(i);
    s.phone = "+35840" + std::to_string(1'000'000 + i);
    s.first_name = "Aino";
    s.language = "fi";
    s.group = "G" + std::to_string(i % 40);
    s.timezone = i % 10 ? "Europe/Helsinki" : "Europe/Stockholm";
    v.push_back(std::move(s));
  }
  REQUIRE(f.store->begin().is_ok());
  REQUIRE(f.store->upsert_students(v, tue_0900).is_ok());
  REQUIRE(f.store->commit().is_ok());
  const auto t0 = std::chrono::steady_clock::now();
  REQUIRE(f.store->begin().is_ok());
  auto rows = f.store->campaign_candidates("varia", "all");
  const auto t1 = std::chrono::steady_clock::now();
  f.sched.fair = schedule::fairness{};  // capacity 60, need rate 0.028: 2,142 a day
  app::campaign_request req{"varia", "weekly_checkin", "manual", "perf", false, false, std::nullopt};
  auto r = app::plan_and_store_campaign(*f.store, f.sched, rows, req, {}, tue_0900);
  REQUIRE(r);
  REQUIRE(f.store->commit().is_ok());
  const auto t2 = std::chrono::steady_clock::now();
  using ms = std::chrono::duration<double, std::milli>;
  std::cout << "100,000 students: load " << ms(t1 - t0).count() << " ms, plan + store + commit "
            << ms(t2 - t1).count() << " ms, total " << ms(t2 - t0).count() << " ms; planned "
            << r->planned << " over " << r->per_day.size() << " days\n";
  CHECK(r->planned == 100'000);
  CHECK(f.count("SELECT COUNT(*) FROM planned_sends") == 100'000);
}
