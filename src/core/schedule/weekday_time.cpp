#include "tuki/core/schedule/weekday_time.hpp"

#include "tuki/core/schedule/local_time.hpp"

namespace tuki::schedule {
namespace {

date::local_days day_of(core::instant t, const date::time_zone* zone) {
  if (zone) return local_day(t, *zone);
  return date::local_days{date::floor<date::days>(t).time_since_epoch()};
}

core::instant start_of(date::local_days day, const date::time_zone* zone) {
  if (zone) return to_instant(day, time_of_day{}, *zone);
  return core::instant{std::chrono::duration_cast<core::duration>(day.time_since_epoch())};
}

bool school_day(date::local_days day, const holiday_calendar& holidays) {
  const date::weekday wd{day};
  if (wd == date::Saturday || wd == date::Sunday) return false;
  const int holiday = holidays.weekdays_of_break_at(day);
  return holiday == 0 || holiday > max_skipped_break_weekdays;
}

}  // namespace

core::instant add_weekday_time(core::instant start, core::duration d, const date::time_zone* zone,
                               const holiday_calendar& holidays) {
  core::instant at = start;
  core::duration left = d;
  // A day at a time; ten years of days bound a duration nobody configures.
  for (int day = 0; left > core::duration::zero() && day < 3660; ++day) {
    const date::local_days today = day_of(at, zone);
    const core::instant next = start_of(today + date::days(1), zone);
    if (!school_day(today, holidays)) {
      at = next;
      continue;
    }
    if (left < next - at) return at + left;
    left -= next - at;
    at = next;
  }
  // Run out exactly at a Friday (or a holiday's eve) midnight: the next school day's start, not
  // Saturday 00:00. A year bounds holidays nobody configures.
  for (int day = 0; day < 370; ++day) {
    if (school_day(day_of(at, zone), holidays)) break;
    at = start_of(day_of(at, zone) + date::days(1), zone);
  }
  return at;
}

}  // namespace tuki::schedule
