#pragma once
// Shared by the routing tests: UTC time literals and the test institution.
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "tuki/core/instant.hpp"
#include "tuki/core/routing/routing_config.hpp"

namespace tuki::routing::testing {

/// "2025-03-04T08:00:00Z" -> instant (UTC); throws on a malformed literal (a test bug).
inline core::instant utc(const std::string& s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (std::sscanf(s.c_str(), "%d-%d-%dT%d:%d:%dZ", &y, &mo, &d, &h, &mi, &sec) != 6) {
    throw std::invalid_argument("bad time literal " + s);
  }
  using namespace std::chrono;
  const sys_days date{year{y} / month{static_cast<unsigned>(mo)} / day{static_cast<unsigned>(d)}};
  return core::instant{
      duration_cast<milliseconds>(date.time_since_epoch() + hours{h} + minutes{mi} + seconds{sec})};
}

inline std::string data_path(const std::string& name) {
  return std::string(TUKI_SOURCE_DIR) + "/tests/data/routing/" + name;
}

inline routing_config varia() {
  auto c = load_routing_file(data_path("varia.yaml"));
  if (!c) throw std::runtime_error(c.error().to_string());
  return std::move(c).value();
}

}  // namespace tuki::routing::testing
