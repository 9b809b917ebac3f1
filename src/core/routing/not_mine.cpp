#include "tuki/core/routing/not_mine.hpp"

#include <algorithm>

namespace tuki::routing {

bool others_keep(const ticket& t, std::string_view actor) {
  const std::string who = normalize_email(actor);
  return std::any_of(t.assignees.begin(), t.assignees.end(),
                     [&](const assignee& a) { return a.email != who; });
}

core::result<routing_decision> route_not_mine(const routing_rules& rules, const ticket& t,
                                              std::string_view actor, const staff_directory& staff,
                                              const routing_state& state, core::instant now) {
  const std::string who = normalize_email(actor);
  if (!t.is_assignee(who))
    return core::status::permission_denied(who + " is not assigned to ticket " + t.id);
  if (!t.is_open())
    return core::status::invalid_argument("ticket " + t.id + " is resolved: cannot reroute it");
  if (others_keep(t, who)) {
    routing_decision keep;
    keep.role = t.role;
    keep.reason = "not mine: the other assignees keep it";
    return keep;
  }
  auto d = route(rules, reroute_request(t, who), staff, state, now);
  if (!t.is_crisis()) return d;
  // route() ends in the fallback role and the coordinator so that a NEW ticket always reaches
  // someone; a crisis ticket that already has someone stays on the crisis side instead.
  if (d && (d->rule_index != rule_none || d->role == "on_call")) return d;
  const auto& excluded = t.excluded;
  auto contact = crisis_contact(rules, staff);
  if (contact && contact->email != who &&
      std::find(excluded.begin(), excluded.end(), contact->email) == excluded.end()) {
    routing_decision to_contact;
    to_contact.assignees.push_back(std::move(*contact));
    to_contact.role = t.role;
    to_contact.reason = "not mine: nobody else on the crisis rota; crisis contact";
    return to_contact;
  }
  return core::status::invalid_argument(
      "ticket " + t.id + " is a crisis ticket and nobody else on the crisis rota or as crisis "
      "contact can take it: it stays with " + who + " (acknowledge it, or reassign it)");
}

}  // namespace tuki::routing
