#pragma once
// Shared by the routing tests: UTC time literals and the test institution.
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "tuki/core/instant.hpp"
#include "tuki/core/routing/routing_config.hpp"
#include "tuki/core/routing/ticket.hpp"

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

/// A decision that assigns `emails` (Finnish-speaking) for `role`.
inline routing_decision to(std::vector<std::string> emails, std::string role = "teacher") {
  routing_decision d;
  for (auto& e : emails) d.assignees.push_back({e, "", role, "fi", "", ""});
  d.role = role;
  d.reason = "test";
  return d;
}

/// A NEW studies ticket "T1" of Sini's, assigned to `emails` on 2025-03-04 at 08:00 UTC.
inline ticket fresh(std::vector<std::string> emails = {"t@x.fi"}) {
  ticket_request r;
  r.category = "studies";
  r.student = {"s-1", "Sini", "K", "G", "", "fi", ""};
  return make_ticket("T1", r, to(std::move(emails)), utc("2025-03-04T08:00:00Z"));
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
