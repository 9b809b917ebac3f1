// parse_offset and milestone_time.
#include "tuki/core/schedule/milestone_rule.hpp"

#include <catch2/catch.hpp>

#include "schedule_test_support.hpp"

using namespace tuki::schedule;
using namespace tuki::schedule::test;

TEST_CASE("offsets parse into days and a local time", "[schedule]") {
  struct row {
    const char* text;
    int days;
    int hour, minute;
  };
  const row rows[] = {
      {"+14 days at 10:00", 14, 10, 0},
      {"-7 days", -7, 10, 0},
      {"+1 day at 9:30", 1, 9, 30},
      {"0 days at 12:00", 0, 12, 0},
      {"+2 weeks", 14, 10, 0},
      {"-1 week at 08:15", -7, 8, 15},
      {"  +3   days   at  16:45 ", 3, 16, 45},
      {"+3660 days", 3660, 10, 0},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    auto got = parse_offset(r.text);
    REQUIRE(got);
    CHECK(got->days == r.days);
    CHECK(got->at == time_of_day::at(r.hour, r.minute));
  }
  CHECK(to_string(*parse_offset("-7 days")) == "-7 days at 10:00");
  CHECK(to_string(*parse_offset("+1 day at 9:30")) == "+1 day at 09:30");
}

TEST_CASE("bad offsets are rejected with a precise message", "[schedule]") {
  const std::pair<const char*, const char*> rows[] = {
      {"", "invalid offset \"\": expected e.g. \"+14 days at 10:00\" or \"-7 days\""},
      {"14 days", "invalid offset \"14 days\": expected a sign '+' or '-' before the number"},
      {"+ 14 days", "invalid offset \"+ 14 days\": expected a number of days after the sign"},
      {"+14", "invalid offset \"+14\": expected a unit (days or weeks) after the number"},
      {"+14 months",
       "invalid offset \"+14 months\": expected a unit (days or weeks), got \"months\""},
      {"+1.5 days", "invalid offset \"+1.5 days\": expected a whole number, got \"+1.5\""},
      {"+14 days 10:00",
       "invalid offset \"+14 days 10:00\": expected \"at HH:MM\" after the unit, "
       "got \"10:00\""},
      {"+14 days at", "invalid offset \"+14 days at\": expected a time after \"at\""},
      {"+14 days at 25:00",
       "invalid offset \"+14 days at 25:00\": expected a time \"HH:MM\" "
       "(00:00-23:59), got \"25:00\""},
      {"+14 days at 10:00 sharp",
       "invalid offset \"+14 days at 10:00 sharp\": unexpected "
       "\"sharp\" after the time"},
      {"+3661 days", "invalid offset \"+3661 days\": more than 3660 days"},
      {"+523 weeks", "invalid offset \"+523 weeks\": more than 3660 days"},
      {"+99999999999999999999 days",
       "invalid offset \"+99999999999999999999 days\": more than "
       "3660 days"},
  };
  for (auto [text, message] : rows) {
    INFO(text);
    auto got = parse_offset(text);
    REQUIRE_FALSE(got);
    CHECK(got.error().message() == message);
  }
}

TEST_CASE("milestones fall on the student's date plus the offset, in the student's zone",
          "[schedule]") {
  milestone_rule start{
      "milestone_start", "milestone_start", "start_date", *parse_offset("+14 days at 10:00"), {}};
  milestone_rule before{"internship_reminder",
                        "internship_reminder",
                        "internship_start",
                        *parse_offset("-7 days"),
                        {}};
  const auto& hel = zone("Europe/Helsinki");
  using date::year, date::month, date::day;
  auto t = milestone_time(start, year{2026} / 8 / 10, hel);
  REQUIRE(t);
  CHECK(local_text(*t, hel) == "2026-08-24 10:00 EEST");
  // Crossing the autumn change and the year end.
  CHECK(local_text(*milestone_time(start, year{2026} / 10 / 20, hel), hel) ==
        "2026-11-03 10:00 EET");
  CHECK(local_text(*milestone_time(start, year{2026} / 12 / 25, hel), hel) ==
        "2027-01-08 10:00 EET");
  CHECK(local_text(*milestone_time(before, year{2027} / 1 / 4, hel), hel) ==
        "2026-12-28 10:00 EET");
  CHECK(local_text(*milestone_time(before, year{2027} / 3 / 1, hel), hel) ==
        "2027-02-22 10:00 EET");
  const auto& ny = zone("America/New_York");
  CHECK(local_text(*milestone_time(before, year{2026} / 3 / 15, ny), ny) == "2026-03-08 10:00 EDT");
  CHECK_FALSE(milestone_time(start, year{2026} / 2 / 30, hel));
}

TEST_CASE("audiences filter by group, campus and programme", "[schedule]") {
  audience everyone;
  CHECK(everyone.is_everyone());
  CHECK(everyone.matches({"TVT24", "Vantaa", "ict"}));
  audience a{{"TVT24", "TVT25"}, {}, {"ict"}};
  CHECK_FALSE(a.is_everyone());
  CHECK(a.matches({"TVT25", "Espoo", "ict"}));
  CHECK_FALSE(a.matches({"TVT26", "Espoo", "ict"}));
  CHECK_FALSE(a.matches({"TVT24", "Espoo", "logistics"}));
  CHECK_FALSE(a.matches({"tvt24", "Espoo", "ict"}));
}

TEST_CASE("the dates in reach of a milestone hold every student date that can be due",
          "[schedule]") {
  // Every date whose milestone falls in (now - 7 days, now] in any of these zones (UTC-11 to
  // UTC+14) must be inside the window; the window is at most a lookback plus five days wide.
  const char* zones[] = {"Pacific/Pago_Pago", "America/New_York", "UTC", "Europe/Helsinki",
                         "Asia/Kolkata", "Pacific/Kiritimati"};
  const auto lookback = date::days{7};
  for (const char* offset : {"+14 days at 10:00", "-7 days at 08:00", "0 days at 23:59",
                             "+2 weeks at 00:00"}) {
    milestone_rule rule;
    rule.offset = *parse_offset(offset);
    for (auto now : {utc(2026, 12, 5, 9, 30), utc(2027, 3, 28, 0, 30), utc(2026, 12, 31, 23, 59)}) {
      auto [first, last] = milestone_dates_in_reach(rule, now, lookback);
      INFO(offset << " window " << first << " .. " << last);
      CHECK((date::sys_days{last} - date::sys_days{first}).count() <= 7 + 5);
      int due_dates = 0;
      for (auto d = date::sys_days{first} - date::days{30}; d < date::sys_days{last} + date::days{30};
           d += date::days{1}) {
        const date::year_month_day ymd{d};
        for (const char* z : zones) {
          auto due = milestone_time(rule, ymd, zone(z));
          REQUIRE(due);
          if (*due > now || *due <= now - lookback) continue;
          ++due_dates;
          INFO(ymd << " in " << z);
          CHECK(ymd >= first);
          CHECK(ymd <= last);
        }
      }
      CHECK(due_dates > 0);
    }
  }
}
