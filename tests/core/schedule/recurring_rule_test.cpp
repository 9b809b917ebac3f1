#include "tuki/core/schedule/recurring_rule.hpp"

#include <date/iso_week.h>
#include <catch2/catch.hpp>

#include "schedule_test_support.hpp"
#include "tuki/core/schedule/local_time.hpp"

using namespace tuki::schedule;
using namespace tuki::schedule::test;
using tuki::core::instant;

namespace {
std::vector<std::string> as_local(const std::vector<instant>& ts, const date::time_zone& tz) {
  std::vector<std::string> out;
  for (auto t : ts) out.push_back(local_text(t, tz));
  return out;
}

recurring_rule autumn_checkin() {
  recurring_rule r;
  r.id = "weekly_checkin";
  r.dialog = "weekly_checkin";
  r.every_weeks = 2;
  r.weekdays.add(date::Tuesday);
  r.at = time_of_day::at(10, 0);
  r.first_day = day(2026, 8, 10);
  r.last_day = day(2026, 12, 18);
  return r;
}
}  // namespace

TEST_CASE("every two weeks on Tuesdays through the autumn term, across the DST change",
          "[schedule]") {
  const auto& hel = zone("Europe/Helsinki");
  holiday_calendar holidays({{day(2026, 10, 19), day(2026, 10, 23), "Syysloma"}});
  auto got = occurrences(autumn_checkin(), hel, utc(2026, 1, 1), utc(2027, 1, 1), holidays);
  std::vector<std::string> expected{"2026-08-11 10:00 EEST", "2026-08-25 10:00 EEST",
                                    "2026-09-08 10:00 EEST", "2026-09-22 10:00 EEST",
                                    "2026-10-06 10:00 EEST",  // 2026-10-20 is in the autumn break
                                    "2026-11-03 10:00 EET",  "2026-11-17 10:00 EET",
                                    "2026-12-01 10:00 EET",  "2026-12-15 10:00 EET"};
  CHECK(as_local(got, hel) == expected);
  REQUIRE(got.size() == expected.size());
  CHECK(utc_text(got[4]) == "2026-10-06T07:00Z");
  CHECK(utc_text(got[5]) == "2026-11-03T08:00Z");
}

TEST_CASE("the UTC window is half-open and slices the occurrences", "[schedule]") {
  const auto& hel = zone("Europe/Helsinki");
  auto rule = autumn_checkin();
  auto sep8 = utc(2026, 9, 8, 7, 0);
  auto sep22 = utc(2026, 9, 22, 7, 0);
  auto got = occurrences(rule, hel, sep8, sep22, {});
  REQUIRE(got.size() == 1);
  CHECK(got[0] == sep8);
  CHECK(occurrences(rule, hel, sep22, sep22, {}).empty());
  CHECK(occurrences(rule, hel, sep22, sep8, {}).empty());
  CHECK(occurrences(rule, hel, utc(2026, 12, 16), utc(2027, 6, 1), {}).empty());  // after the term
}

TEST_CASE("every-N-weeks keeps its rhythm across the year end and ISO week 53", "[schedule]") {
  const auto& hel = zone("Europe/Helsinki");
  // 2026 has 53 ISO weeks: 2026-12-31 is in week 53, so week-number parity would break here.
  CHECK(iso_week::year_weeknum_weekday{date::sys_days{date::year{2026} / 12 / 31}}.weeknum() ==
        iso_week::weeknum{53});
  recurring_rule r;
  r.every_weeks = 2;
  r.weekdays.add(date::Thursday);
  r.first_day = day(2026, 12, 14);  // Monday of ISO week 51
  r.last_day = day(2027, 2, 28);
  auto got = occurrences(r, hel, utc(2026, 12, 1), utc(2027, 3, 1), {});
  std::vector<std::string> expected{"2026-12-17 10:00 EET", "2026-12-31 10:00 EET",
                                    "2027-01-14 10:00 EET", "2027-01-28 10:00 EET",
                                    "2027-02-11 10:00 EET", "2027-02-25 10:00 EET"};
  CHECK(as_local(got, hel) == expected);
  for (std::size_t i = 1; i < got.size(); ++i) {
    CHECK(got[i] - got[i - 1] == std::chrono::hours{24 * 14});
  }
  // Anchored at the start date's week, not at the ISO week number: starting a week later shifts.
  r.first_day = day(2026, 12, 21);
  auto shifted = occurrences(r, hel, utc(2026, 12, 1), utc(2027, 1, 31), {});
  CHECK(as_local(shifted, hel) == std::vector<std::string>{"2026-12-24 10:00 EET",
                                                           "2027-01-07 10:00 EET",
                                                           "2027-01-21 10:00 EET"});
}

TEST_CASE("weekly sends stay at local 10:00 across DST in every supported zone", "[schedule]") {
  recurring_rule r;
  r.weekdays.add(date::Sunday).add(date::Monday);
  r.first_day = day(2026, 1, 1);
  r.last_day = day(2027, 12, 31);
  // Windows around the spring and autumn changes of 2026 and 2027 (EU, US and NZ).
  const std::pair<instant, instant> windows[] = {{utc(2026, 3, 1), utc(2026, 4, 15)},
                                                 {utc(2026, 9, 20), utc(2026, 11, 10)},
                                                 {utc(2027, 3, 1), utc(2027, 4, 15)},
                                                 {utc(2027, 9, 20), utc(2027, 11, 10)}};
  for (const char* name :
       {"Europe/Helsinki", "Europe/Stockholm", "Europe/Tallinn", "Europe/Riga", "Europe/Vilnius",
        "America/New_York", "Asia/Kolkata", "Pacific/Auckland"}) {
    const auto& tz = zone(name);
    for (auto [from, to] : windows) {
      auto got = occurrences(r, tz, from, to, {});
      INFO(name << " from " << utc_text(from));
      CHECK(got.size() >= 12);
      for (auto t : got) {
        auto text = local_text(t, tz);
        CAPTURE(text);
        CHECK(text.substr(11, 5) == "10:00");
        auto wd = date::weekday{local_day(t, tz)};
        CHECK((wd == date::Sunday || wd == date::Monday));
      }
    }
  }
}

TEST_CASE("a weekly send inside the spring gap moves forward; in the overlap it takes the first",
          "[schedule]") {
  const auto& hel = zone("Europe/Helsinki");
  recurring_rule r;
  r.weekdays.add(date::Sunday);
  r.at = time_of_day::at(3, 30);
  r.first_day = day(2026, 3, 22);
  r.last_day = day(2026, 11, 1);
  auto spring = occurrences(r, hel, utc(2026, 3, 20), utc(2026, 4, 1), {});
  CHECK(as_local(spring, hel) ==
        std::vector<std::string>{"2026-03-22 03:30 EET", "2026-03-29 04:30 EEST"});
  auto autumn = occurrences(r, hel, utc(2026, 10, 20), utc(2026, 10, 30), {});
  REQUIRE(autumn.size() == 1);
  CHECK(local_text(autumn[0], hel) == "2026-10-25 03:30 EEST");
}

TEST_CASE("several weekdays per week and the student's own zone", "[schedule]") {
  recurring_rule r;
  r.weekdays.add(date::Monday).add(date::Thursday);
  r.at = time_of_day::at(9, 15);
  r.first_day = day(2026, 12, 28);
  r.last_day = day(2027, 1, 10);
  const auto& akl = zone("Pacific/Auckland");
  auto got = occurrences(r, akl, utc(2026, 12, 1), utc(2027, 2, 1), {});
  CHECK(as_local(got, akl) ==
        std::vector<std::string>{"2026-12-28 09:15 NZDT", "2026-12-31 09:15 NZDT",
                                 "2027-01-04 09:15 NZDT", "2027-01-07 09:15 NZDT"});
  CHECK(utc_text(got[0]) == "2026-12-27T20:15Z");  // the previous UTC day
}
