#pragma once
// Durations that count school days only: a ticket's "48 h to acknowledge" opened on Friday
// afternoon falls due on Tuesday afternoon, not on Sunday. Saturday and Sunday, and the
// institution's holidays, as local days in its zone, do not count.
#include <date/tz.h>

#include "tuki/core/instant.hpp"
#include "tuki/core/schedule/holiday_calendar.hpp"

namespace tuki::schedule {

/// A break of more weekdays than this is not skipped (three weeks): a summer break listed to
/// stop check-ins must not leave a ticket without reminders for months.
inline constexpr int max_skipped_break_weekdays = 15;

/// `start` plus `d` of time on school days (Monday to Friday in `zone`, UTC when null, and not
/// in a break of `holidays` of at most max_skipped_break_weekdays weekdays): other days are
/// skipped, so a start on a weekend or a holiday counts from the next school day's 00:00, and a
/// result is never on such a day (time that runs out at Friday midnight ends at Monday 00:00, or at
/// the first day after the holidays). A day's length is its real one (23 or 25 hours on a
/// daylight-saving change).
core::instant add_weekday_time(core::instant start, core::duration d, const date::time_zone* zone,
                               const holiday_calendar& holidays = {});

}  // namespace tuki::schedule
