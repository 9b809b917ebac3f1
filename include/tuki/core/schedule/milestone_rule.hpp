#pragma once
// Milestones: a dialog sent relative to a date of each student (start_date, internship_start...).
#include <optional>
#include <string>
#include <utility>

#include <date/tz.h>

#include "tuki/core/instant.hpp"
#include "tuki/core/schedule/audience.hpp"
#include "tuki/core/schedule/day_offset.hpp"

namespace tuki::schedule {

struct milestone_rule {
  std::string id;      // unique within a schedule file
  std::string dialog;  // dialog id to start
  /// The student's date the offset counts from: "start_date" or any date column imported with
  /// the students (e.g. "internship_start").
  std::string date_column;
  day_offset offset;  // e.g. +14 days at 10:00
  audience students;
};

/// A student column the roster import reads as a date (start_date, and names ending in _date,
/// _start or _end: internship_start, graduation_date, contract_end). A milestone can count only
/// from such a column: any other is kept as typed ("10.12.2026") and is never due.
bool is_date_column(std::string_view column);

/// When the milestone is due for a student whose `date_column` date is `student_date`, in the
/// student's zone `tz`: local day student_date + offset.days at offset.at (gap/overlap rules as
/// in to_instant). nullopt when `student_date` is not a valid date. Quiet hours and holidays are
/// applied afterwards with next_allowed (a milestone on a holiday is postponed, not dropped).
std::optional<core::instant> milestone_time(const milestone_rule& rule,
                                            date::year_month_day student_date,
                                            const date::time_zone& tz);

/// The student dates [first, last] (inclusive) whose milestone can fall in (now - lookback, now]
/// in any time zone (UTC-12 to UTC+14, with a day to spare on each side): a prefilter for the
/// store, so that a milestone rule reads the few students near their date, not all of them.
/// Every date outside it is certain not to be due; the dates inside still need milestone_time.
std::pair<date::year_month_day, date::year_month_day> milestone_dates_in_reach(
    const milestone_rule& rule, core::instant now, std::chrono::days lookback);

}  // namespace tuki::schedule
