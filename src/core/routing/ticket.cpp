#include "tuki/core/routing/ticket.hpp"

#include <algorithm>

namespace tuki::routing {
namespace {

std::string emails(const std::vector<assignee>& as) {
  std::string out;
  for (const auto& a : as) out += (out.empty() ? "" : ",") + a.email;
  return out;
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

core::status not_allowed(const ticket& t, std::string_view what) {
  return core::status::invalid_argument("ticket " + t.id + " is " +
                                        std::string(to_string(t.status)) + ": cannot " +
                                        std::string(what));
}

void event(ticket& t, core::instant at, std::string name, std::string_view actor,
           std::string detail) {
  t.history.push_back({at, std::move(name), std::string(actor), std::move(detail)});
}

void new_assignment(ticket& t, const routing_decision& d, core::instant now) {
  t.assignees = d.assignees;
  t.role = d.role;
  t.assigned_at = now;
  t.acknowledged_at.reset();
  t.reminded_at.reset();
  t.escalated_at.reset();
  t.still_open_at.reset();
}

}  // namespace

bool ticket::is_assignee(std::string_view email) const {
  const std::string e = normalize_email(email);
  return std::any_of(assignees.begin(), assignees.end(),
                     [&](const assignee& a) { return a.email == e; });
}

bool ticket::is_excluded(std::string_view email) const {
  return std::find(excluded.begin(), excluded.end(), normalize_email(email)) != excluded.end();
}

ticket make_ticket(std::string id, const ticket_request& request, const routing_decision& decision,
                   core::instant now) {
  ticket t;
  t.id = std::move(id);
  t.student = request.student;
  t.category = request.category;
  t.urgency = request.urgency;
  t.follows_up = request.follows_up;
  for (const auto& e : request.excluded) t.excluded.push_back(normalize_email(e));
  t.created_at = now;
  new_assignment(t, decision, now);
  event(t, now, "created", system_actor,
        t.category + "/" + std::string(core::to_string(t.urgency)) + " -> " + emails(t.assignees) +
            " (" + decision.reason + ")");
  return t;
}

core::status mark_notified(ticket& t, core::instant now) {
  if (t.status != ticket_status::new_ticket && t.status != ticket_status::reassigned &&
      t.status != ticket_status::misrouted) {
    return not_allowed(t, "mark as notified");
  }
  t.status = ticket_status::opened;
  event(t, now, "notified", system_actor, emails(t.assignees));
  return core::status::ok();
}

std::vector<std::string> escalation_recipients(const ticket& t) {
  if (!t.escalated_at) return {};  // none since the current assignment
  for (auto it = t.history.rbegin(); it != t.history.rend(); ++it) {
    if (it->event != "escalation") continue;
    std::vector<std::string> out;
    std::string_view rest = it->detail;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      if (auto one = rest.substr(0, comma); !one.empty()) out.push_back(normalize_email(one));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
    return out;
  }
  return {};
}

bool may_take_over(const ticket& t, std::string_view actor) {
  if (!t.is_open() || t.is_assignee(actor) || t.is_excluded(actor)) return false;
  const auto to = escalation_recipients(t);
  return std::find(to.begin(), to.end(), normalize_email(actor)) != to.end();
}

namespace {

// An escalation recipient (a backup, the coordinator, the crisis contact) acting on an open
// ticket takes it over: added beside the assignees, who keep it too. Not one who said "not
// mine" on it since: they are refused as anyone else who is not an assignee.
void take_over_if_escalated(ticket& t, std::string_view actor, core::instant now) {
  if (!may_take_over(t, actor)) return;
  const auto who = normalize_email(actor);
  assignee a;
  a.email = who;
  a.role = t.role;
  a.via = "escalation";
  t.assignees.push_back(std::move(a));
  event(t, now, "took_over", who, "after the escalation");
}

}  // namespace

core::status acknowledge(ticket& t, std::string_view actor, core::instant now) {
  take_over_if_escalated(t, actor, now);
  if (!t.is_assignee(actor)) {
    return core::status::permission_denied(std::string(actor) + " is not assigned to ticket " +
                                           t.id);
  }
  if (t.status == ticket_status::acknowledged) return core::status::ok();  // idempotent
  if (t.status == ticket_status::resolved) return not_allowed(t, "acknowledge");
  // A NEW/REASSIGNED/MISROUTED ticket can be acknowledged before the send is recorded.
  t.status = ticket_status::acknowledged;
  t.acknowledged_at = now;
  event(t, now, "acknowledged", normalize_email(actor), "");
  return core::status::ok();
}

core::status resolve(ticket& t, std::string_view actor, std::string_view note, core::instant now) {
  take_over_if_escalated(t, actor, now);
  if (!t.is_assignee(actor)) {
    return core::status::permission_denied(std::string(actor) + " is not assigned to ticket " +
                                           t.id);
  }
  if (t.status != ticket_status::opened && t.status != ticket_status::acknowledged) {
    return not_allowed(t, "resolve");
  }
  if (!t.acknowledged_at) t.acknowledged_at = now;
  t.status = ticket_status::resolved;
  t.resolved_at = now;
  event(t, now, "resolved", normalize_email(actor), std::string(note));
  return core::status::ok();
}

core::status reassign(ticket& t, std::string_view actor, std::string_view target,
                      const routing_decision& decision, core::instant now) {
  if (!t.is_open()) return not_allowed(t, "reassign");
  if (!t.is_reassignable()) {
    return core::status::invalid_argument("ticket " + t.id +
                                          " is shared or a crisis ticket: reassigning it would "
                                          "take it from " +
                                          emails(t.assignees));
  }
  if (decision.assignees.empty()) {
    return core::status::invalid_argument("reassignment of ticket " + t.id + " names nobody");
  }
  const std::string from = emails(t.assignees);
  new_assignment(t, decision, now);
  t.status = ticket_status::reassigned;
  event(t, now, "reassigned", normalize_email(actor),
        std::string(target) + ": " + from + " -> " + emails(t.assignees));
  return core::status::ok();
}

ticket_request reroute_request(const ticket& t, std::string_view also_exclude) {
  ticket_request r;
  r.category = t.category;
  r.urgency = t.urgency;
  r.student = t.student;
  r.excluded = t.excluded;
  for (const auto& a : t.assignees) r.excluded.push_back(a.email);  // they have it already
  if (!also_exclude.empty()) r.excluded.push_back(normalize_email(also_exclude));
  return r;
}

core::status mark_misrouted(ticket& t, std::string_view actor, const routing_decision& decision,
                            core::instant now) {
  const std::string who = normalize_email(actor);
  if (!t.is_assignee(who)) {
    return core::status::permission_denied(who + " is not assigned to ticket " + t.id);
  }
  if (!t.is_open()) return not_allowed(t, "mark as not mine");
  std::vector<assignee> next;
  for (const auto& a : t.assignees) {
    if (a.email != who) next.push_back(a);
  }
  for (const auto& a : decision.assignees) {
    if (a.email == who) {
      return core::status::invalid_argument("rerouting ticket " + t.id + " chose " + who +
                                            " again");
    }
    if (std::none_of(next.begin(), next.end(),
                     [&](const assignee& x) { return x.email == a.email; })) {
      next.push_back(a);
    }
  }
  if (next.empty()) {
    return core::status::invalid_argument("ticket " + t.id + " would have nobody after " + who +
                                          " said not mine");
  }
  if (decision.assignees.empty()) {
    // The others keep it (a shared ticket): nobody new is told, so the status, the role and the
    // SLA clock stay as they are. Only an acknowledgement by the person leaving is undone: the
    // others have not acknowledged yet, and the reminders must reach them.
    const auto ack = std::find_if(t.history.rbegin(), t.history.rend(), [](const ticket_event& e) {
      return e.event == "acknowledged";
    });
    if (t.acknowledged_at && ack != t.history.rend() && ack->actor == who) {
      t.acknowledged_at.reset();
      t.status = ticket_status::opened;
    }
    t.assignees = std::move(next);
    t.excluded.push_back(who);
    ++t.misroute_count;
    event(t, now, "misrouted", who, "not mine; " + emails(t.assignees) + " keep it");
    return core::status::ok();
  }
  routing_decision d = decision;
  d.assignees = std::move(next);
  if (d.role.empty()) d.role = t.role;
  new_assignment(t, d, now);
  t.excluded.push_back(who);
  ++t.misroute_count;
  t.status = ticket_status::misrouted;
  event(t, now, "misrouted", who, "not mine; now " + emails(t.assignees));
  return core::status::ok();
}

core::status hand_over(ticket& t, const std::vector<std::string>& departed,
                       const routing_decision& decision, core::instant now) {
  if (!t.is_open()) return not_allowed(t, "hand over");
  std::vector<std::string> gone;
  for (const auto& e : departed) {
    const std::string who = normalize_email(e);
    if (t.is_assignee(who) && std::find(gone.begin(), gone.end(), who) == gone.end())
      gone.push_back(who);
  }
  if (gone.empty()) {
    return core::status::invalid_argument("ticket " + t.id + ": nobody who left is assigned");
  }
  auto left = [&](const std::string& email) {
    return std::find(gone.begin(), gone.end(), email) != gone.end();
  };
  std::vector<assignee> next;
  for (const auto& a : t.assignees) {
    if (!left(a.email)) next.push_back(a);
  }
  for (const auto& a : decision.assignees) {
    if (left(a.email)) {
      return core::status::invalid_argument("rerouting ticket " + t.id + " chose " + a.email +
                                            ", who left");
    }
    if (std::none_of(next.begin(), next.end(),
                     [&](const assignee& x) { return x.email == a.email; })) {
      next.push_back(a);
    }
  }
  if (next.empty()) {
    return core::status::invalid_argument("ticket " + t.id + " would have nobody after " +
                                          joined(gone) + " left");
  }
  if (decision.assignees.empty()) {
    // As on "not mine" of a shared ticket: the others keep it and nobody new is told.
    const auto ack = std::find_if(t.history.rbegin(), t.history.rend(),
                                  [](const ticket_event& e) { return e.event == "acknowledged"; });
    if (t.acknowledged_at && ack != t.history.rend() && left(ack->actor)) {
      t.acknowledged_at.reset();
      t.status = ticket_status::opened;
    }
    t.assignees = std::move(next);
    event(t, now, "departed", system_actor,
          joined(gone) + " left (deactivated); " + emails(t.assignees) + " keep it");
    return core::status::ok();
  }
  routing_decision d = decision;
  d.assignees = std::move(next);
  if (d.role.empty()) d.role = t.role;
  new_assignment(t, d, now);
  t.status = ticket_status::reassigned;
  event(t, now, "departed", system_actor,
        joined(gone) + " left (deactivated); now " + emails(t.assignees) + " (" + decision.reason +
            ")");
  return core::status::ok();
}

core::status add_note(ticket& t, std::string_view actor, std::string_view note, core::instant now) {
  if (note.empty()) return core::status::invalid_argument("empty note");
  event(t, now, "note", normalize_email(actor), std::string(note));
  return core::status::ok();
}

core::status record_reminder(ticket& t, const std::vector<std::string>& to, core::instant now) {
  if (!t.is_open() || t.acknowledged_at) return not_allowed(t, "remind");
  t.reminded_at = now;
  event(t, now, "reminder", system_actor, joined(to));
  return core::status::ok();
}

core::status record_escalation(ticket& t, const std::vector<std::string>& to, core::instant now) {
  if (!t.is_open() || t.acknowledged_at) return not_allowed(t, "escalate");
  t.escalated_at = now;
  event(t, now, "escalation", system_actor, joined(to));
  return core::status::ok();
}

core::status record_still_open(ticket& t, const std::vector<std::string>& to, core::instant now) {
  if (!t.is_open() || !t.acknowledged_at) return not_allowed(t, "ask whether it is still open");
  t.still_open_at = now;
  event(t, now, "still_open", system_actor, joined(to));
  return core::status::ok();
}

core::status record_followup(ticket& t, core::instant now) {
  if (t.status != ticket_status::resolved || t.followup_at) return not_allowed(t, "follow up");
  t.followup_at = now;
  event(t, now, "followup", system_actor, "followup dialog sent to the student");
  return core::status::ok();
}

core::status record_followup_skipped(ticket& t, const std::string& reason, core::instant now) {
  if (t.status != ticket_status::resolved || t.followup_at) return not_allowed(t, "follow up");
  t.followup_at = now;
  t.followup_skipped = true;
  event(t, now, "note", system_actor, "follow-up skipped: " + reason);
  return core::status::ok();
}

std::string_view to_string(ticket_status s) {
  switch (s) {
    case ticket_status::new_ticket:
      return "NEW";
    case ticket_status::opened:
      return "OPENED";
    case ticket_status::acknowledged:
      return "ACKNOWLEDGED";
    case ticket_status::resolved:
      return "RESOLVED";
    case ticket_status::reassigned:
      return "REASSIGNED";
    case ticket_status::misrouted:
      return "MISROUTED";
  }
  return "NEW";
}

}  // namespace tuki::routing
