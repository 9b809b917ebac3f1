#pragma once
// A wall-clock time of day ("10:00") in some time zone that the user of the value decides.
#include <chrono>
#include <string>
#include <string_view>

#include "tuki/core/status.hpp"

namespace tuki::schedule {

/// Minutes after local midnight, 0 <= minutes < 24 * 60 (24:00 is allowed only as an end of day,
/// see parse_time_of_day). Comparisons order times within one day.
struct time_of_day {
  std::chrono::minutes since_midnight{0};

  static constexpr time_of_day at(int hours, int minutes) {
    return time_of_day{std::chrono::hours{hours} + std::chrono::minutes{minutes}};
  }
  friend constexpr auto operator<=>(const time_of_day&, const time_of_day&) = default;
};

/// Parses "H:MM" or "HH:MM" (00:00 to 23:59; "24:00" too when `allow_end_of_day`, meaning
/// midnight at the end of the day). Errors say what was expected, e.g.
/// `expected a time "HH:MM" (00:00-23:59), got "25:00"`.
core::result<time_of_day> parse_time_of_day(std::string_view text, bool allow_end_of_day = false);

/// "HH:MM", zero-padded.
std::string to_string(time_of_day t);

}  // namespace tuki::schedule
