#pragma once
// "Not mine": who takes a ticket when one of its assignees says it is not theirs. Pure, like
// route(); docs/routing.md ("Not mine") has the story.
#include <string_view>

#include "tuki/core/instant.hpp"
#include "tuki/core/routing/route.hpp"
#include "tuki/core/routing/routing_rules.hpp"
#include "tuki/core/routing/staff_directory.hpp"
#include "tuki/core/routing/ticket.hpp"
#include "tuki/core/status.hpp"

namespace tuki::routing {

/// Whether others than `actor` are assigned to `t` (a shared ticket: a crisis ticket's on-call
/// staff and crisis contact). Then "not mine" only takes `actor` off it and the others keep it;
/// otherwise it is routed again (route_not_mine). The confirmation page says which.
bool others_keep(const ticket& t, std::string_view actor);

/// The decision to pass to mark_misrouted() when `actor` says "not mine" on `t`:
///  - others remain on the ticket (a shared crisis ticket: the on-call staff and the crisis
///    contact): they keep it. The decision names nobody new (no assignees) and keeps t.role.
///  - otherwise route() again with reroute_request(t, actor).
///  - a crisis ticket (ticket::is_crisis()) is never handed down to the fallback role or the
///    coordinator: only its own rule's people or on-call staff may take it, else the crisis
///    contact. With none of them left, invalid_argument: the actor keeps the ticket.
/// permission_denied when `actor` is not an assignee, invalid_argument when `t` is resolved, and
/// route()'s not_found when nobody at all can take an ordinary ticket.
core::result<routing_decision> route_not_mine(const routing_rules& rules, const ticket& t,
                                              std::string_view actor, const staff_directory& staff,
                                              const routing_state& state, core::instant now);

}  // namespace tuki::routing
