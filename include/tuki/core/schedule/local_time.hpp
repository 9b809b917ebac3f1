#pragma once
// Conversions between UTC instants and local calendar days / wall-clock times in an IANA zone.
// Zones come from date::locate_zone (the OS tzdb); pointers to them live for the whole process.
#include <date/tz.h>

#include "tuki/core/instant.hpp"
#include "tuki/core/schedule/time_of_day.hpp"

namespace tuki::schedule {

/// The UTC instant at which the wall clock in `tz` shows `t` on local day `day`.
/// A wall-clock time that does not exist (the spring-forward gap) moves forward by the length of
/// the gap (03:30 in Helsinki on 2026-03-29 becomes 04:30 EEST); a time that occurs twice
/// (autumn fall-back) takes the first occurrence (the summer-time offset).
core::instant to_instant(date::local_days day, time_of_day t, const date::time_zone& tz);

/// The local calendar day in `tz` that contains `t`.
date::local_days local_day(core::instant t, const date::time_zone& tz);

/// The local wall-clock time in `tz` at `t`, to the second.
date::local_seconds local_time(core::instant t, const date::time_zone& tz);

}  // namespace tuki::schedule
