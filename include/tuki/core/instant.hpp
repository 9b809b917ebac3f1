#pragma once
// Points in time used across tuki: UTC, millisecond resolution. The core never reads a clock;
// callers pass `now` in (see app/clock.hpp for the injected clock).
#include <chrono>
#include <cstdint>

namespace tuki::core {

using instant = std::chrono::sys_time<std::chrono::milliseconds>;
using duration = std::chrono::milliseconds;

inline std::int64_t to_unix_ms(instant t) { return t.time_since_epoch().count(); }
inline instant from_unix_ms(std::int64_t ms) { return instant{duration{ms}}; }

}  // namespace tuki::core
