#pragma once
// When tuki may text a student: a daily sending window in the student's local time, on allowed
// weekdays, outside holidays. Outside it are the quiet hours. A reply to a student who has just
// written is the exception (reply window).
#include <chrono>
#include <optional>

#include <date/tz.h>

#include "tuki/core/instant.hpp"
#include "tuki/core/schedule/holiday_calendar.hpp"
#include "tuki/core/schedule/time_of_day.hpp"
#include "tuki/core/schedule/weekday_set.hpp"

namespace tuki::schedule {

/// Per-institution sending rules. Times are wall-clock times in the zone passed to the functions
/// below: the student's own zone when known, else the institution's.
struct quiet_hours {
  time_of_day send_from = time_of_day::at(8, 0);    // first allowed minute, inclusive
  time_of_day send_until = time_of_day::at(20, 0);  // end, exclusive; > send_from; 24:00 allowed
  weekday_set weekdays = weekday_set::all();        // days on which sending is allowed
  /// A reply to the student's own message may be sent within this long after it, even in quiet
  /// hours or on a holiday. Zero disables the exception.
  std::chrono::minutes reply_window{30};
};

/// True when `t` is inside the sending window on an allowed weekday that is not a holiday.
bool is_allowed(core::instant t, const quiet_hours& q, const date::time_zone& tz,
                const holiday_calendar& holidays);

/// The first allowed moment at or after `due` (`due` itself when allowed). A message due 21:30
/// waits until `send_from` on the next allowed day. nullopt when no day in the next two years is
/// allowed (every weekday excluded or everything a holiday).
std::optional<core::instant> next_allowed(core::instant due, const quiet_hours& q,
                                          const date::time_zone& tz,
                                          const holiday_calendar& holidays);

/// May a message due at `due` go out now? True when is_allowed(due), or when the student's last
/// inbound message arrived at most `q.reply_window` before `due` (and not after it).
/// `last_inbound` is nullopt when the student has never written.
bool allowed_now(core::instant due, std::optional<core::instant> last_inbound, const quiet_hours& q,
                 const date::time_zone& tz, const holiday_calendar& holidays);

}  // namespace tuki::schedule
