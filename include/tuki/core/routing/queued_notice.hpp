#pragma once
// Whether a staff notice that waited in the mail queue (an outage) is out of date by the time it
// can go. Only the SLA's notices can be: a reminder, an escalation or a "still open?" is about
// one assignment of the ticket, and means nothing once that assignment is over. A new ticket's
// notice, the student's new message and anything of an unknown kind always go.
#include <optional>
#include <string>
#include <string_view>

#include "tuki/core/instant.hpp"
#include "tuki/core/routing/ticket.hpp"

namespace tuki::routing {

/// A notice as its mail job records it.
struct queued_notice {
  /// to_string(notice_kind); "" in jobs written before jobs named their kind.
  std::string_view kind;
  /// Whom it is for; "" when not known (then not checked).
  std::string_view recipient;
  /// The ticket's assigned_at when the notice was queued; none in jobs written before.
  std::optional<core::instant> assigned_at;
};

/// Why `n` is out of date for the ticket as it is now, or nullopt to send it:
///  - a reminder or escalation once the ticket is acknowledged or resolved; a "still open?"
///    once it is resolved;
///  - any of the three once the ticket was reassigned or routed again since (its assigned_at
///    moved: the SLA clock started again for other people);
///  - a reminder or "still open?" to someone no longer on the ticket (they said "not mine" on a
///    shared ticket). An escalation goes to people who are not assignees by design.
std::optional<std::string> superseded_because(const queued_notice& n, const ticket& t);

}  // namespace tuki::routing
