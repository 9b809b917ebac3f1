// School-day durations: weekends and holidays in the institution's zone do not count.
#include "tuki/core/schedule/weekday_time.hpp"

#include <catch2/catch.hpp>

using namespace tuki;
using schedule::add_weekday_time;
using std::chrono::hours;

namespace {

core::instant utc(int y, unsigned m, unsigned d, int h, int min = 0) {
  return core::instant{std::chrono::duration_cast<core::duration>(
      (date::sys_days{date::year{y} / date::month{m} / date::day{d}} + hours(h) +
       std::chrono::minutes(min))
          .time_since_epoch())};
}

}  // namespace

TEST_CASE("weekday time: weekends are skipped, weekdays count in full", "[schedule]") {
  const auto* helsinki = date::locate_zone("Europe/Helsinki");
  // Tuesday 2025-03-04 10:00 UTC (12:00 in Helsinki): within the week, plain hours.
  CHECK(add_weekday_time(utc(2025, 3, 4, 10), hours(48), helsinki) == utc(2025, 3, 6, 10));
  // Friday 2025-03-07 13:00 UTC (15:00 local): 9 h of Friday, then Monday and Tuesday.
  CHECK(add_weekday_time(utc(2025, 3, 7, 13), hours(48), helsinki) == utc(2025, 3, 11, 13));
  CHECK(add_weekday_time(utc(2025, 3, 7, 13), hours(96), helsinki) == utc(2025, 3, 13, 13));
  // Opened on Saturday: the clock starts on Monday at 00:00 local (Sunday 22:00 UTC).
  CHECK(add_weekday_time(utc(2025, 3, 8, 10), hours(24), helsinki) == utc(2025, 3, 10, 22));
  // Five school days are a calendar week.
  CHECK(add_weekday_time(utc(2025, 3, 5, 9), std::chrono::days(5), helsinki) ==
        utc(2025, 3, 12, 9));
  CHECK(add_weekday_time(utc(2025, 3, 5, 9), core::duration::zero(), helsinki) ==
        utc(2025, 3, 5, 9));
  // Acknowledged on a Saturday, asked five school days later: Monday 00:00 local, never a
  // Saturday midnight.
  CHECK(add_weekday_time(utc(2025, 3, 8, 10), std::chrono::days(5), helsinki) ==
        utc(2025, 3, 16, 22));
}

TEST_CASE("weekday time: the weekend is the local one", "[schedule]") {
  // Friday 2025-03-07 23:30 UTC is already Saturday 01:30 in Helsinki, still Friday in UTC.
  const auto* helsinki = date::locate_zone("Europe/Helsinki");
  CHECK(add_weekday_time(utc(2025, 3, 7, 23, 30), hours(1), helsinki) == utc(2025, 3, 9, 23));
  CHECK(add_weekday_time(utc(2025, 3, 7, 23, 30), hours(1), nullptr) == utc(2025, 3, 10, 0, 30));
}

TEST_CASE("weekday time: a day of the daylight-saving change counts as long as it is",
          "[schedule]") {
  // Helsinki goes to summer time on Sunday 2026-03-29: the weekend is skipped whole, and the
  // offset moves from +2 to +3, so Friday 15:00 + 24 h is Monday 15:00 local (12:00 UTC).
  const auto* helsinki = date::locate_zone("Europe/Helsinki");
  CHECK(add_weekday_time(utc(2026, 3, 27, 13), hours(24), helsinki) == utc(2026, 3, 30, 12));
}

TEST_CASE("weekday time: the institution's holidays are skipped like weekends", "[schedule]") {
  const auto* helsinki = date::locate_zone("Europe/Helsinki");
  using date::local_days;
  using date::year;
  // Christmas break Monday 2025-12-22 to Friday 2026-01-02, and Epiphany Tuesday 2026-01-06.
  const schedule::holiday_calendar breaks(
      {{local_days{year{2025} / 12 / 22}, local_days{year{2026} / 1 / 2}, "Joululoma"},
       {local_days{year{2026} / 1 / 6}, local_days{year{2026} / 1 / 6}, "Loppiainen"}});
  // Opened Friday 2025-12-19 at 15:00 local (13:00 UTC), 48 h: 9 h of Friday, then the break
  // and the weekends, Monday 2026-01-05 in full, Epiphany skipped, 15 h of Wednesday 01-07.
  CHECK(add_weekday_time(utc(2025, 12, 19, 13), hours(48), helsinki, breaks) ==
        utc(2026, 1, 7, 13));
  // Without the calendar: Tuesday 2025-12-23, in the middle of the break.
  CHECK(add_weekday_time(utc(2025, 12, 19, 13), hours(48), helsinki) == utc(2025, 12, 23, 13));
  // Opened during the break: the clock starts on the first school day, 00:00 local.
  CHECK(add_weekday_time(utc(2025, 12, 29, 10), hours(1), helsinki, breaks) == utc(2026, 1, 4, 23));
  // Time that runs out at the eve of the break's midnight ends after the break, not on it.
  CHECK(add_weekday_time(utc(2025, 12, 19, 13), hours(9), helsinki, breaks) == utc(2026, 1, 4, 22));
}

TEST_CASE("weekday time: a break longer than three weeks is not skipped", "[schedule]") {
  const auto* helsinki = date::locate_zone("Europe/Helsinki");
  using date::local_days;
  using date::year;
  // A summer break listed to stop check-ins: 2026-06-01 to 2026-08-14, ten weeks.
  const schedule::holiday_calendar summer(
      {{local_days{year{2026} / 6 / 1}, local_days{year{2026} / 8 / 14}, "Kesäloma"}});
  CHECK(summer.weekdays_of_break_at(local_days{year{2026} / 7 / 1}) == 55);
  // Friday 2026-06-05 15:00 local, 48 h: Monday and Tuesday of the break count.
  CHECK(add_weekday_time(utc(2026, 6, 5, 12), hours(48), helsinki, summer) ==
        add_weekday_time(utc(2026, 6, 5, 12), hours(48), helsinki));
  // Exactly three weeks is still skipped: Monday 06-01 to Sunday 06-21.
  const schedule::holiday_calendar three_weeks(
      {{local_days{year{2026} / 6 / 1}, local_days{year{2026} / 6 / 21}, ""}});
  CHECK(add_weekday_time(utc(2026, 5, 29, 12), hours(9), helsinki, three_weeks) ==
        utc(2026, 6, 21, 21));  // Monday 06-22 00:00 local (+3 in summer)
  // The same break written with its weekends (Saturday 05-30 to Sunday 06-21) is still three
  // weeks of weekdays.
  const schedule::holiday_calendar with_weekends(
      {{local_days{year{2026} / 5 / 30}, local_days{year{2026} / 6 / 21}, ""}});
  CHECK(with_weekends.weekdays_of_break_at(local_days{year{2026} / 6 / 10}) == 15);
  CHECK(add_weekday_time(utc(2026, 5, 29, 12), hours(9), helsinki, with_weekends) ==
        utc(2026, 6, 21, 21));
  // A summer listed week by week (Monday to Friday, weekends between) is one break: not skipped.
  std::vector<schedule::holiday_calendar::period> weeks;
  for (int w = 0; w < 10; ++w)
    weeks.push_back({local_days{year{2026} / 6 / 1} + date::days{7 * w},
                     local_days{year{2026} / 6 / 5} + date::days{7 * w}, ""});
  const schedule::holiday_calendar weekly(std::move(weeks));
  CHECK(weekly.weekdays_of_break_at(local_days{year{2026} / 6 / 3}) == 50);
  CHECK(add_weekday_time(utc(2026, 6, 5, 12), hours(48), helsinki, weekly) ==
        add_weekday_time(utc(2026, 6, 5, 12), hours(48), helsinki));
}
