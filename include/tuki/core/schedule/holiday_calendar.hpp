#pragma once
// Holidays and blackout periods of an institution: local calendar days on which nothing is sent.
#include <string>
#include <vector>

#include <date/date.h>

namespace tuki::schedule {

/// A set of local calendar days, built from single dates and inclusive ranges. Days are compared
/// as local dates in whatever zone the caller evaluates (a student's own zone for sends).
/// Lookups are O(log n); the calendar is immutable after building and safe to share across threads.
class holiday_calendar {
 public:
  struct period {
    date::local_days first;  // inclusive
    date::local_days last;   // inclusive, >= first
    std::string name;        // for humans ("Joululoma"); may be empty
    /// A break of the students only (an exam week, a work placement period): nothing is sent
    /// to students, but staff are at work, so tickets' reminders and escalations go on.
    bool staff_at_work = false;
  };

  holiday_calendar() = default;
  /// Ranges may overlap or be unordered; `first > last` ranges are ignored (loaders reject them).
  explicit holiday_calendar(std::vector<period> periods);

  bool contains(date::local_days day) const;
  /// The weekdays (Monday to Friday) of the break that holds `day`: its period with the periods
  /// it touches or overlaps, and those only a weekend apart (a summer listed week by week is one
  /// break). 0 when `day` is no holiday.
  int weekdays_of_break_at(date::local_days day) const;
  /// The days staff are away too: the periods without staff_at_work (what tickets' staff
  /// steps skip, routing::sla_settings::holidays).
  holiday_calendar staff_holidays() const;
  /// The periods as given, sorted by first day.
  const std::vector<period>& periods() const { return periods_; }
  bool operator==(const holiday_calendar& other) const { return merged_ == other.merged_; }

 private:
  std::vector<period> periods_;
  // Disjoint, sorted [first, last] ranges merged from periods_.
  std::vector<std::pair<date::local_days, date::local_days>> merged_;
};

}  // namespace tuki::schedule
