#include "tuki/core/schedule/schedule_file.hpp"

#include <catch2/catch.hpp>

#include "schedule_test_support.hpp"
#include "tuki/core/dialog/library.hpp"

using namespace tuki::schedule;
using namespace tuki::schedule::test;

namespace {
const std::string k_data = std::string(TUKI_SOURCE_DIR) + "/tests/data/schedule/";
}  // namespace

TEST_CASE("the shipped example schedule loads with every section", "[schedule]") {
  auto f = load_schedule(std::string(TUKI_SOURCE_DIR) + "/config/schedules/varia.yaml");
  INFO(f.error().message());
  REQUIRE(f);
  CHECK(f->institution == "varia");
  CHECK(f->time_zone == &zone("Europe/Helsinki"));
  CHECK(f->quiet.send_from == time_of_day::at(8, 0));
  CHECK(f->quiet.send_until == time_of_day::at(20, 0));
  CHECK(f->quiet.weekdays == weekday_set::work_days());
  CHECK(f->quiet.reply_window == std::chrono::minutes{30});
  CHECK(f->holidays.periods().size() == 10);
  CHECK(f->holidays.contains(day(2026, 12, 6)));
  CHECK(f->holidays.contains(day(2027, 1, 1)));
  CHECK(f->holidays.contains(day(2027, 3, 29)));
  CHECK_FALSE(f->holidays.contains(day(2027, 3, 30)));
  CHECK(f->fair.min_gap == date::days{7});
  CHECK(f->fair.capacity_per_day == 60);
  CHECK(f->fair.need_rate == Approx(0.023));

  REQUIRE(f->recurring.size() == 1);
  const auto& r = f->recurring[0];
  CHECK(r.id == "weekly_checkin_autumn");
  CHECK(r.dialog == "weekly_checkin");
  CHECK(r.students.is_everyone());
  CHECK(r.every_weeks == 2);
  CHECK(to_string(r.weekdays) == "tue");
  CHECK(r.at == time_of_day::at(10, 0));
  CHECK(r.first_day == day(2026, 8, 10));
  CHECK(r.last_day == day(2026, 12, 18));
  // The autumn term's check-ins, with the autumn break (Tue 13 Oct) skipped.
  auto sends = occurrences(r, *f->time_zone, utc(2026, 1, 1), utc(2027, 1, 1), f->holidays);
  std::vector<std::string> local;
  for (auto t : sends) local.push_back(local_text(t, *f->time_zone).substr(0, 10));
  CHECK(local == std::vector<std::string>{"2026-08-11", "2026-08-25", "2026-09-08", "2026-09-22",
                                          "2026-10-06", "2026-10-20", "2026-11-03", "2026-11-17",
                                          "2026-12-01", "2026-12-15"});

  REQUIRE(f->milestones.size() == 2);
  CHECK(f->milestones[0].date_column == "start_date");
  CHECK(f->milestones[0].offset == day_offset{14, time_of_day::at(10, 0)});
  CHECK(f->milestones[1].date_column == "internship_start");
  CHECK(f->milestones[1].offset == day_offset{-7, time_of_day::at(10, 0)});
  CHECK(f->milestones[1].students.programmes == std::vector<std::string>{"logistics", "ict"});

  REQUIRE(f->triggers.size() == 1);
  CHECK(f->triggers[0].event == "absence");
  CHECK(f->triggers[0].comparison == trigger_comparison::at_least);
  CHECK(f->triggers[0].threshold == 5);
  CHECK(f->triggers[0].within_days == 14);

  auto settings = f->campaign();
  CHECK(settings.institution_zone == f->time_zone);
  CHECK(settings.fair.capacity_per_day == 60);
}

TEST_CASE("schedule file errors are located and say what is wrong", "[schedule]") {
  const std::pair<const char*, const char*> rows[] = {
      {"bad_version.yaml", "1:16: tuki_schedule: unsupported version \"2\" (this tuki reads 1)"},
      {"unknown_key.yaml",
       "8:5: recurring[0].every_week: unknown key (expected one of: id,"
       " dialog, students, every_weeks, weekdays, at, from, until)"},
      {"bad_every_weeks.yaml",
       "8:18: recurring[0].every_weeks: expected a whole number from 1 to"
       " 52, got \"two\""},
      {"bad_weekday.yaml",
       "7:21: recurring[0].weekdays[1]: expected a weekday (mon, tue, wed,"
       " thu, fri, sat, sun), got \"tiistai\""},
      {"missing_dialog.yaml", "5:5: milestones[0]: missing required key \"dialog\""},
      {"bad_offset.yaml",
       "8:13: milestones[0].offset: invalid offset \"14 days\": expected a"
       " sign '+' or '-' before the number"},
      {"offset_in_quiet_hours.yaml",
       "8:13: milestones[0].offset: 21:30 is outside the sending"
       " hours 08:00-20:00"},
      {"bad_zone.yaml", "3:12: time_zone: unknown time zone \"Europe/Helsinky\""},
      {"bad_date.yaml", "6:12: holidays[1].date: expected a date YYYY-MM-DD, got \"2027-02-30\""},
      {"reversed_range.yaml", "6:9: holidays[0].to: is before \"from\""},
      {"milestone_not_a_date.yaml",
       "7:11: milestones[0].date: \"harjoittelu\" is no date column: the students import reads "
       "start_date and columns ending in _date, _start or _end as dates"},
      {"trigger_bad_event.yaml",
       "7:12: triggers[0].event: \"Absence\" can never be imported: events are 1-64 characters "
       "of a-z, 0-9, _ or -"},
      {"default_at_quiet.yaml",
       "8:5: recurring[0]: its default \"at\" (10:00) is outside the sending hours 12:00-20:00: "
       "give \"at\""},
      {"bad_staff_at_work.yaml",
       "5:72: holidays[0].staff_at_work: expected true or false, got \"yes\""},
      {"duplicate_id.yaml", "7:10: triggers[0].id: duplicate rule id \"start\""},
      {"bad_quiet_hours.yaml",
       "6:15: quiet_hours.send_until: must be later than send_from"
       " (08:00)"},
      {"bad_need_rate.yaml",
       "6:14: fairness.need_rate: expected a number from 0 to 1, got"
       " \"2.8%\""},
      {"bad_syntax.yaml",
       "4:1: YAML syntax: end of sequence flow not found (the mistake may be on a line above: "
       "check indentation, quotes and brackets)"},
      {"non_plain_key.yaml", "8:7: recurring[0]: keys must be plain names, found a list"},
      {"duplicate_key.yaml", "10:5: recurring[0]: duplicate key 'from' (first at line 8)"},
      {"invalid_utf8.yaml",
       "6:11: holidays[0].name: invalid UTF-8 in text (byte 0xFF at offset 11)"},
      {"empty.yaml", " the file is empty"},
  };
  for (auto [file, message] : rows) {
    INFO(file);
    auto f = load_schedule(k_data + file);
    REQUIRE_FALSE(f);
    CHECK(f.error().error_code() == tuki::core::status::code::invalid_argument);
    CHECK(f.error().message() == k_data + file + ":" + message);
  }
}

TEST_CASE("missing files and inline text", "[schedule]") {
  auto missing = load_schedule(k_data + "no_such_file.yaml");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().error_code() == tuki::core::status::code::io_error);
  auto minimal =
      parse_schedule("tuki_schedule: 1\ninstitution: x\ntime_zone: Asia/Kolkata\n", "inline");
  REQUIRE(minimal);
  CHECK(minimal->quiet.send_from == time_of_day::at(8, 0));  // defaults
  CHECK(minimal->quiet.weekdays == weekday_set::all());
  CHECK(minimal->fair.need_rate == Approx(0.028));
  CHECK(minimal->recurring.empty());
  auto not_a_map = parse_schedule("- 1\n- 2\n", "inline");
  REQUIRE_FALSE(not_a_map);
  CHECK(not_a_map.error().message() == "inline:1:1: expected a mapping, got a list");
}

TEST_CASE("a students' break with staff at work is no holiday of the staff", "[schedule]") {
  auto f = parse_schedule(R"(tuki_schedule: 1
institution: varia
time_zone: Europe/Helsinki
holidays:
  - {from: 2026-12-21, to: 2027-01-06, name: Joululoma}
  - {from: 2027-03-08, to: 2027-03-12, name: Koeviikko, staff_at_work: true}
  - {date: 2027-05-01, name: Vappu, staff_at_work: false}
)",
                          "varia.yaml");
  INFO(f.error().message());
  REQUIRE(f);
  // Nothing goes to students on any of them ...
  CHECK(f->holidays.contains(day(2027, 3, 10)));
  CHECK(f->holidays.contains(day(2026, 12, 28)));
  CHECK(f->holidays.contains(day(2027, 5, 1)));
  // ... but tickets' staff steps count the exam week.
  const auto staff = f->holidays.staff_holidays();
  CHECK_FALSE(staff.contains(day(2027, 3, 10)));
  CHECK(staff.contains(day(2026, 12, 28)));
  CHECK(staff.contains(day(2027, 5, 1)));
  CHECK(staff.periods().size() == 2);
}

TEST_CASE("every dialog the shipped schedule names is a shipped dialog", "[schedule]") {
  // The shipped config names this schedule: a rule whose dialog is missing would only be a
  // warning at start (schedule_unknown_dialog), and its check-ins would never go.
  auto f = load_schedule(std::string(TUKI_SOURCE_DIR) + "/config/schedules/varia.yaml");
  REQUIRE(f);
  auto lib = tuki::dialog::dialog_library::load(std::string(TUKI_SOURCE_DIR) + "/dialogs");
  INFO(lib.error().message());
  REQUIRE(lib);
  std::vector<std::string> named;
  for (const auto& r : f->recurring) named.push_back(r.dialog);
  for (const auto& r : f->milestones) named.push_back(r.dialog);
  for (const auto& r : f->triggers) named.push_back(r.dialog);
  REQUIRE(named.size() == 4);
  for (const auto& d : named) {
    INFO(d);
    CHECK(lib->find(d) != nullptr);
  }
}
