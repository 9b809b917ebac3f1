#pragma once
// Durations that count school days only: a ticket's "48 h to acknowledge" opened on Friday
// afternoon falls due on Tuesday afternoon, not on Sunday. Saturday and Sunday, as local days in
// the institution's zone, do not count.
#include <date/tz.h>

#include "tuki/core/instant.hpp"

namespace tuki::schedule {

/// `start` plus `d` of time on weekdays (Monday to Friday in `zone`; UTC when null): weekend
/// time is skipped, so a start on a weekend counts from Monday 00:00, and a result is never on
/// a weekend (time that runs out at Friday midnight ends at Monday 00:00). A day's length is its
/// real one (23 or 25 hours on a daylight-saving change).
core::instant add_weekday_time(core::instant start, core::duration d, const date::time_zone* zone);

}  // namespace tuki::schedule
