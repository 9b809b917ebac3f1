#pragma once
// Regular check-ins: a dialog sent every N weeks on given weekdays at a local time, within a term.
#include <string>
#include <vector>

#include <date/tz.h>

#include "tuki/core/instant.hpp"
#include "tuki/core/schedule/audience.hpp"
#include "tuki/core/schedule/holiday_calendar.hpp"
#include "tuki/core/schedule/time_of_day.hpp"
#include "tuki/core/schedule/weekday_set.hpp"

namespace tuki::schedule {

struct recurring_rule {
  std::string id;      // unique within a schedule file
  std::string dialog;  // dialog id to start
  audience students;
  /// Send in weeks 0, N, 2N, ... counted in ISO (Monday-first) weeks from the week that contains
  /// `first_day`. Counting days, not ISO week numbers, keeps the rhythm across year ends (2026
  /// has an ISO week 53). >= 1.
  int every_weeks = 1;
  weekday_set weekdays;                     // non-empty
  time_of_day at = time_of_day::at(10, 0);  // local wall-clock time in the student's zone
  date::local_days first_day;               // inclusive
  date::local_days last_day;                // inclusive, >= first_day
};

/// The send times of `rule` in the UTC window [from, to), ascending, for a student in `tz`.
/// Days in `holidays` are skipped (not moved). A send stays at `rule.at` local time on both sides
/// of a DST change; a time in the spring gap moves forward by the gap, an ambiguous autumn time
/// takes its first occurrence (see to_instant). Quiet hours are not applied here: the loader
/// rejects rules whose `at` lies outside them.
std::vector<core::instant> occurrences(const recurring_rule& rule, const date::time_zone& tz,
                                       core::instant from, core::instant to,
                                       const holiday_calendar& holidays);

}  // namespace tuki::schedule
