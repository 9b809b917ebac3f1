#pragma once
// "+14 days at 10:00": a whole number of days relative to a student's date, and a local time.
#include <string>
#include <string_view>

#include "tuki/core/schedule/time_of_day.hpp"
#include "tuki/core/status.hpp"

namespace tuki::schedule {

struct day_offset {
  int days = 0;                             // may be negative (before the date)
  time_of_day at = time_of_day::at(10, 0);  // default 10:00 when the text has no "at"
  friend bool operator==(const day_offset&, const day_offset&) = default;
};

/// Parses `<sign><n> <unit> [at HH:MM]`: sign '+' or '-' (required, except for "0 days"),
/// n a whole number, unit one of day, days, week, weeks (a week is 7 days), |offset| <= 3660 days.
/// Words are separated by spaces. Examples: "+14 days at 10:00", "-7 days", "+2 weeks at 9:30".
/// Errors name the problem and quote the input, e.g.
/// `invalid offset "14 days": expected a sign '+' or '-' before the number`.
core::result<day_offset> parse_offset(std::string_view text);

/// The canonical text form, e.g. "+14 days at 10:00".
std::string to_string(const day_offset& o);

}  // namespace tuki::schedule
