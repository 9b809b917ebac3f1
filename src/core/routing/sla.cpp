#include "tuki/core/routing/sla.hpp"

#include <algorithm>

#include "tuki/core/routing/availability.hpp"
#include "tuki/core/routing/staff_directory.hpp"
#include "tuki/core/routing/ticket.hpp"
#include "tuki/core/schedule/weekday_time.hpp"

namespace tuki::routing {

std::optional<sla_deadline> next_deadline(const ticket& t, const sla_settings& s, core::instant now,
                                          const staff_directory* staff) {
  auto left = [staff](const std::string& email) { return staff && staff->departed(email); };
  // Staff steps count school days; a crisis counts every hour.
  auto after = [&](core::instant from, core::duration d) {
    return t.is_crisis() ? from + d : schedule::add_weekday_time(from, d, s.zone, s.holidays);
  };
  sla_deadline d;
  if (t.status == ticket_status::resolved) {
    if (t.followup_at || !t.resolved_at) return std::nullopt;
    d.action = sla_action::followup;
    d.at = *t.resolved_at + s.followup_after;
  } else if (t.acknowledged_at) {
    // Acknowledged but not resolved: the assignees are asked, now and then, whether it still
    // is open; their links to resolve it expire, and the student's "did you get help?" waits
    // for the resolution.
    d.action = sla_action::still_open;
    d.at = schedule::add_weekday_time(
        std::max(*t.acknowledged_at, t.still_open_at.value_or(*t.acknowledged_at)),
        s.still_open_after, s.zone, s.holidays);
    for (const auto& a : t.assignees)
      if (!left(a.email)) d.recipients.push_back(a.email);
  } else if (!t.reminded_at) {
    d.action = sla_action::remind;
    d.at = after(t.assigned_at, t.is_crisis() ? s.crisis_remind_after : s.remind_after);
    for (const auto& a : t.assignees)
      if (!left(a.email)) d.recipients.push_back(a.email);
  } else {
    // Escalated again until someone acknowledges or takes it over: a crisis ticket every
    // crisis_escalate_after, any other every escalate_repeat_after. It must not go quiet.
    d.action = sla_action::escalate;
    d.at = t.escalated_at
               ? after(*t.escalated_at,
                       t.is_crisis() ? s.crisis_escalate_after : s.escalate_repeat_after)
               : after(t.assigned_at, t.is_crisis() ? s.crisis_escalate_after : s.escalate_after);
    // Never to an assignee (the coordinator may hold the ticket as the last resort): they
    // have had the ticket and the reminder already.
    auto add = [&](std::string to) {
      if (!to.empty() && !left(to) && !t.is_assignee(to) && !t.is_excluded(to) &&
          std::find(d.recipients.begin(), d.recipients.end(), to) == d.recipients.end()) {
        d.recipients.push_back(std::move(to));
      }
    };
    const std::string coordinator = normalize_email(s.coordinator_email);
    // A backup absent on the day the escalation goes out (its own absences in the staff
    // directory) is passed over for the coordinator, as one who left or said "not mine" on the
    // ticket is (nor is a coordinator who said it escalated to): the escalation is
    // there to reach someone who can act now. So is, for a crisis, a backup neither at work
    // then nor on call, as when the crisis was routed (docs/routing.md, availability).
    const auto local = to_local(std::max(now, d.at), s.zone);
    auto away = [&](const std::string& email) {
      const staff_member* m = staff ? staff->find(email) : nullptr;
      if (!m) return false;
      if (is_absent(*m, local.day)) return true;
      return t.is_crisis() && !m->on_call && !in_working_hours(*m, local);
    };
    for (const auto& a : t.assignees) {
      const bool backup = !a.backup_email.empty() && a.backup_email != a.email &&
                          !t.is_assignee(a.backup_email) && !left(a.backup_email) &&
                          !t.is_excluded(a.backup_email) && !away(a.backup_email);
      add(backup ? a.backup_email : coordinator);
    }
    // The backups did not take it either: from the second escalation the coordinator hears too.
    if (t.escalated_at) add(coordinator);
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
    case sla_action::still_open:
      return "still_open";
    case sla_action::followup:
      return "followup";
  }
  return "remind";
}

}  // namespace tuki::routing
