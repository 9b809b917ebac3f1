#pragma once
// The system clock as tuki's time (UTC, milliseconds). Only the edges read it: handlers, pumps
// and the CLI pass the reading into the pure core as `now`.
#include <chrono>

#include "tuki/core/instant.hpp"

namespace tuki::app {

inline core::instant wall_now() {
  return core::instant(std::chrono::duration_cast<core::duration>(
      std::chrono::system_clock::now().time_since_epoch()));
}

}  // namespace tuki::app
