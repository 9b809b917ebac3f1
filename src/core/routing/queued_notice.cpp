#include "tuki/core/routing/queued_notice.hpp"

namespace tuki::routing {

std::optional<std::string> superseded_because(const queued_notice& n, const ticket& t) {
  const bool reminder = n.kind == "reminder", escalation = n.kind == "escalation";
  const bool still_open = n.kind == "still_open";
  if (!reminder && !escalation && !still_open) return std::nullopt;
  const bool done = t.status == ticket_status::resolved ||
                    (!still_open && t.status == ticket_status::acknowledged);
  if (done) return "the ticket is " + std::string(to_string(t.status)) + " already";
  if (n.assigned_at && *n.assigned_at != t.assigned_at)
    return std::string("the ticket was assigned again since");
  if (!escalation && !n.recipient.empty() && !t.is_assignee(n.recipient))
    return std::string("the recipient is no longer on the ticket");
  return std::nullopt;
}

}  // namespace tuki::routing
