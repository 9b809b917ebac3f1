#include "tuki/core/routing/sla.hpp"

#include <algorithm>

#include "tuki/core/routing/staff_directory.hpp"
#include "tuki/core/routing/ticket.hpp"

namespace tuki::routing {

std::optional<sla_deadline> next_deadline(const ticket& t, const sla_settings& s, core::instant now,
                                          const staff_directory* staff) {
  auto left = [staff](const std::string& email) { return staff && staff->departed(email); };
  sla_deadline d;
  if (t.status == ticket_status::resolved) {
    if (t.followup_at || !t.resolved_at) return std::nullopt;
    d.action = sla_action::followup;
    d.at = *t.resolved_at + s.followup_after;
  } else if (t.acknowledged_at) {
    return std::nullopt;
  } else if (!t.reminded_at) {
    d.action = sla_action::remind;
    d.at = t.assigned_at + (t.is_crisis() ? s.crisis_remind_after : s.remind_after);
    for (const auto& a : t.assignees)
      if (!left(a.email)) d.recipients.push_back(a.email);
  } else if (!t.escalated_at || t.is_crisis()) {
    // A crisis ticket nobody acknowledged, or took over, is escalated again every
    // crisis_escalate_after until someone does: it must not go quiet after one email.
    d.action = sla_action::escalate;
    d.at = t.escalated_at
               ? *t.escalated_at + s.crisis_escalate_after
               : t.assigned_at + (t.is_crisis() ? s.crisis_escalate_after : s.escalate_after);
    for (const auto& a : t.assignees) {
      std::string to = !a.backup_email.empty() && a.backup_email != a.email &&
                               !t.is_assignee(a.backup_email) && !left(a.backup_email)
                           ? a.backup_email
                           : normalize_email(s.coordinator_email);
      if (!to.empty() && !left(to) &&
          std::find(d.recipients.begin(), d.recipients.end(), to) == d.recipients.end()) {
        d.recipients.push_back(std::move(to));
      }
    }
  } else {
    return std::nullopt;
  }
  d.due = d.at <= now;
  return d;
}

std::string_view to_string(sla_action a) {
  switch (a) {
    case sla_action::remind:
      return "remind";
    case sla_action::escalate:
      return "escalate";
    case sla_action::followup:
      return "followup";
  }
  return "remind";
}

}  // namespace tuki::routing
