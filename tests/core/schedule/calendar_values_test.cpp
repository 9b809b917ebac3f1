// calendar dates, time_of_day, weekday_set and holiday_calendar: the small values the schedule is
// built from.
#include <catch2/catch.hpp>

#include "schedule_test_support.hpp"
#include "tuki/core/schedule/calendar_date.hpp"
#include "tuki/core/schedule/holiday_calendar.hpp"
#include "tuki/core/schedule/time_of_day.hpp"
#include "tuki/core/schedule/weekday_set.hpp"

using namespace tuki::schedule;
using namespace tuki::schedule::test;

TEST_CASE("calendar dates parse strictly: only days that exist", "[schedule]") {
  CHECK(parse_calendar_date("2026-11-20") == date::year{2026} / 11 / 20);
  CHECK(parse_calendar_date("2028-02-29") == date::year{2028} / 2 / 29);
  CHECK(parse_calendar_date("0001-01-01") == date::year{1} / 1 / 1);
  for (const char* bad : {"2026-02-30", "2026-02-29", "2026-13-01", "2026-00-10", "2026-04-31",
                          "2026-01-00", "0000-01-01", "2026-1-01", "2026/01/01", "-001-01-01",
                          "+026-01-01", "2026-01-0x", " 2026-01-01", ""}) {
    INFO(bad);
    CHECK_FALSE(parse_calendar_date(bad));
  }
}

TEST_CASE("day.month.year dates, as Finnish spreadsheets write them", "[schedule][dates]") {
  CHECK(parse_day_month_year("10.8.2026") == date::year{2026} / 8 / 10);
  CHECK(parse_day_month_year("10.08.2026") == date::year{2026} / 8 / 10);
  CHECK(parse_day_month_year("1.9.2026") == date::year{2026} / 9 / 1);
  CHECK(parse_day_month_year("29.2.2028") == date::year{2028} / 2 / 29);
  for (const char* bad : {"31.2.2026", "29.2.2026", "1.13.2026", "0.1.2026", "1.0.2026", "1.1.0000",
                          "10.8.26", "10.8.20266", "100.8.2026", "10.8.2026.", "10-8-2026",
                          "10/8/2026", " 10.8.2026", "2026-08-10", "", ".."}) {
    INFO(bad);
    CHECK_FALSE(parse_day_month_year(bad));
  }
  CHECK(calendar_date_text(date::year{2026} / 8 / 10) == "2026-08-10");
  CHECK(calendar_date_text(date::year{1} / 1 / 1) == "0001-01-01");
}

TEST_CASE("times of day parse strictly", "[schedule]") {
  CHECK(parse_time_of_day("10:00").value() == time_of_day::at(10, 0));
  CHECK(parse_time_of_day("8:05").value() == time_of_day::at(8, 5));
  CHECK(parse_time_of_day("23:59").value() == time_of_day::at(23, 59));
  CHECK(parse_time_of_day("24:00", true).value() == time_of_day::at(24, 0));
  for (const char* bad : {"24:00", "25:00", "10:60", "10", "10:0", "1000", "ab:cd", "", " 10:00",
                          "-1:00", "100:00"}) {
    INFO(bad);
    auto r = parse_time_of_day(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error().message() ==
          std::string("expected a time \"HH:MM\" (00:00-23:59), got \"") + bad + "\"");
  }
  CHECK(to_string(time_of_day::at(8, 5)) == "08:05");
}

TEST_CASE("weekday sets", "[schedule]") {
  auto s = weekday_set{}.add(date::Tuesday).add(date::Friday);
  CHECK(s.contains(date::Tuesday));
  CHECK_FALSE(s.contains(date::Wednesday));
  CHECK(to_string(s) == "tue,fri");
  CHECK(to_string(weekday_set::work_days()) == "mon,tue,wed,thu,fri");
  CHECK(to_string(weekday_set::all()) == "mon,tue,wed,thu,fri,sat,sun");
  CHECK(parse_weekday("SUN").value() == date::Sunday);
  auto bad = parse_weekday("tuesday");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message() ==
        "expected a weekday (mon, tue, wed, thu, fri, sat, sun), got \"tuesday\"");
}

TEST_CASE("holiday calendars merge single days and ranges", "[schedule]") {
  holiday_calendar h({{day(2026, 12, 21), day(2027, 1, 6), "Joululoma"},
                      {day(2026, 12, 6), day(2026, 12, 6), "Itsenäisyyspäivä"},
                      {day(2027, 1, 5), day(2027, 1, 8), "overlapping"},
                      {day(2027, 5, 1), day(2027, 4, 1), "reversed: ignored"}});
  CHECK(h.periods().size() == 3);
  CHECK(h.periods().front().name == "Itsenäisyyspäivä");
  CHECK_FALSE(h.contains(day(2026, 12, 5)));
  CHECK(h.contains(day(2026, 12, 6)));
  CHECK_FALSE(h.contains(day(2026, 12, 7)));
  CHECK_FALSE(h.contains(day(2026, 12, 20)));
  CHECK(h.contains(day(2026, 12, 21)));
  CHECK(h.contains(day(2026, 12, 31)));
  CHECK(h.contains(day(2027, 1, 1)));
  CHECK(h.contains(day(2027, 1, 8)));
  CHECK_FALSE(h.contains(day(2027, 1, 9)));
  CHECK_FALSE(h.contains(day(2027, 4, 15)));
  CHECK_FALSE(holiday_calendar{}.contains(day(2027, 1, 1)));
}
