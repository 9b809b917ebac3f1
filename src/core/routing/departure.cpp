#include "tuki/core/routing/departure.hpp"

#include <algorithm>

namespace tuki::routing {

std::vector<std::string> departed_assignees(const ticket& t, const staff_directory& staff) {
  std::vector<std::string> out;
  if (!t.is_open()) return out;
  for (const auto& a : t.assignees)
    if (staff.departed(a.email)) out.push_back(normalize_email(a.email));
  return out;
}

core::result<routing_decision> route_departure(const routing_rules& rules, const ticket& t,
                                               const staff_directory& staff,
                                               const routing_state& state, core::instant now) {
  if (!t.is_open())
    return core::status::invalid_argument("ticket " + t.id + " is resolved: nothing to hand over");
  const auto gone = departed_assignees(t, staff);
  if (gone.empty())
    return core::status::invalid_argument("ticket " + t.id + ": nobody assigned has left");
  if (gone.size() < t.assignees.size()) {
    routing_decision keep;
    keep.role = t.role;
    keep.reason = "the other assignees keep it";
    return keep;
  }
  // reroute_request excludes the current assignees (those who left among them) and everyone who
  // said "not mine"; route() passes over the departed too (staff_directory::departed).
  return route(rules, reroute_request(t), staff, state, now);
}

}  // namespace tuki::routing
