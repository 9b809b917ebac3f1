#pragma once
// Shared helpers for the [schedule] tests: building instants and printing them readably.
#include <string>

#include <date/date.h>
#include <date/tz.h>

#include "tuki/core/instant.hpp"

namespace tuki::schedule::test {

inline date::local_days day(int y, unsigned m, unsigned d) {
  return date::local_days{date::year{y} / date::month{m} / date::day{d}};
}

inline core::instant utc(int y, unsigned m, unsigned d, int h = 0, int min = 0) {
  return core::instant{date::sys_days{date::year{y} / date::month{m} / date::day{d}}} +
         std::chrono::hours{h} + std::chrono::minutes{min};
}

inline const date::time_zone& zone(const char* name) { return *date::locate_zone(name); }

/// "2026-03-29 10:00 EEST" in `tz`, for INFO/CAPTURE and string comparisons in table tests.
inline std::string local_text(core::instant t, const date::time_zone& tz) {
  return date::format("%F %R %Z", date::make_zoned(&tz, t));
}

inline std::string utc_text(core::instant t) {
  return date::format("%FT%RZ", std::chrono::floor<std::chrono::minutes>(t));
}

}  // namespace tuki::schedule::test
