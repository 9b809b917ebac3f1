#pragma once
// Staff who left the institution (deactivated: `tuki staff deactivate`, or `tuki staff import
// --replace` without them): who takes over their open tickets. Pure, like route() and "not
// mine" (not_mine.hpp); the app applies the decision with hand_over() (ticket.hpp).
#include <string>
#include <vector>

#include "tuki/core/instant.hpp"
#include "tuki/core/routing/route.hpp"
#include "tuki/core/routing/routing_rules.hpp"
#include "tuki/core/routing/staff_directory.hpp"
#include "tuki/core/routing/ticket.hpp"
#include "tuki/core/status.hpp"

namespace tuki::routing {

/// The assignees of `t` who left (staff.departed), in the ticket's order; empty for a resolved
/// ticket (nothing to hand over).
std::vector<std::string> departed_assignees(const ticket& t, const staff_directory& staff);

/// The decision to pass to hand_over() for the departed assignees of `t`:
///  - others remain on the ticket (a shared crisis ticket): they keep it. The decision names
///    nobody new (no assignees) and keeps t.role.
///  - otherwise route() again with reroute_request(t): like a new ticket (a crisis ticket to the
///    crisis rota and contact, else on to the fallback role and the coordinator: a ticket whose
///    only assignee left must reach someone), never to anyone who said "not mine" or left.
/// invalid_argument when nobody assigned has left or `t` is resolved; route()'s not_found when
/// nobody at all can take it.
core::result<routing_decision> route_departure(const routing_rules& rules, const ticket& t,
                                               const staff_directory& staff,
                                               const routing_state& state, core::instant now);

}  // namespace tuki::routing
