#pragma once
// A support ticket and its state machine (pure). Every change appends a history event; a
// transition that is not allowed returns a status (invalid_argument / permission_denied) and
// leaves the ticket unchanged, never asserts.
//
//   NEW --notified--> OPENED --acknowledge--> ACKNOWLEDGED --resolve--> RESOLVED
//   any open state --reassign--> REASSIGNED --notified--> OPENED ...
//   any open state --not_mine--> MISROUTED  --notified--> OPENED ...   (person excluded; on a
//                                            shared ticket the others keep it, status unchanged)
// "Open" = every status but RESOLVED. acknowledge() on an acknowledged ticket is a no-op (links
// may be clicked twice); resolve() is allowed from OPENED too (acknowledging implicitly).
#include <optional>
#include <string>
#include <vector>

#include "tuki/core/instant.hpp"
#include "tuki/core/routing/route.hpp"
#include "tuki/core/status.hpp"
#include "tuki/core/urgency.hpp"

namespace tuki::routing {

enum class ticket_status { new_ticket, opened, acknowledged, resolved, reassigned, misrouted };

struct ticket_event {
  core::instant at;
  /// created, notified, acknowledged, resolved, reassigned, misrouted, departed, took_over,
  /// note, reminder, escalation, still_open, followup.
  std::string event;
  std::string actor;  // staff email, or "tuki" for the system
  std::string detail;
  bool operator==(const ticket_event&) const = default;
};

struct ticket {
  std::string id;
  student_ref student;
  std::string category;
  core::urgency urgency = core::urgency::normal;
  std::vector<assignee> assignees;
  std::string role;
  ticket_status status = ticket_status::new_ticket;
  std::vector<ticket_event> history;
  /// People who said "not mine"; never routed this ticket again.
  std::vector<std::string> excluded;
  int misroute_count = 0;
  core::instant created_at;
  /// When the current assignees got the ticket (creation, reassignment or rerouting): the SLA
  /// clock starts here.
  core::instant assigned_at;
  std::optional<core::instant> acknowledged_at;
  std::optional<core::instant> resolved_at;
  /// SLA steps taken since assigned_at (reset on reassignment).
  std::optional<core::instant> reminded_at;
  std::optional<core::instant> escalated_at;
  /// Acknowledged and still open: when the assignees were last asked whether it still is.
  std::optional<core::instant> still_open_at;
  /// When the follow-up step was taken (the `followup` dialog started, or skipped: see
  /// followup_skipped).
  std::optional<core::instant> followup_at;
  /// The follow-up step was taken without asking the student (opted out, their institution no
  /// longer configured, no `followup` dialog): an answer of theirs never belongs to this ticket.
  bool followup_skipped = false;
  /// The ticket this one follows up ("" when none): ticket_request::follows_up.
  std::string follows_up;

  bool is_open() const { return status != ticket_status::resolved; }
  bool is_crisis() const { return category == "crisis" || urgency == core::urgency::urgent; }
  /// Whether reassign() may move it: one assignee at most, and not a crisis. Reassigning
  /// replaces every assignee, so it would take a shared ticket from all the others, and a crisis
  /// ticket off the crisis side; "not mine" (route_not_mine) is the way off those.
  bool is_reassignable() const { return assignees.size() <= 1 && !is_crisis(); }
  bool is_assignee(std::string_view email) const;
  /// Whether they said "not mine" on it (`excluded`).
  bool is_excluded(std::string_view email) const;
  bool operator==(const ticket&) const = default;
};

inline constexpr std::string_view system_actor = "tuki";

/// A NEW ticket for `request` assigned by `decision` (history: created with the decision reason).
ticket make_ticket(std::string id, const ticket_request& request, const routing_decision& decision,
                   core::instant now);

/// The assignees were notified (mail or webhook sent): NEW/REASSIGNED/MISROUTED -> OPENED.
core::status mark_notified(ticket& t, core::instant now);
/// Whom the ticket was escalated to since its current assignment (normalised emails, from the
/// last "escalation" event); empty when it was not.
std::vector<std::string> escalation_recipients(const ticket& t);
/// Whether `actor`, not an assignee, takes the open ticket over by acknowledging or resolving it:
/// the last escalation went to them, and they did not say "not mine" on it.
bool may_take_over(const ticket& t, std::string_view actor);
/// An assignee acknowledges. Idempotent once acknowledged; permission_denied for non-assignees.
/// An escalation recipient (may_take_over) acknowledging or resolving an open ticket
/// takes it over first: added as an assignee beside the others (history "took_over").
core::status acknowledge(ticket& t, std::string_view actor, core::instant now);
/// An assignee resolves it, with an optional note (staff-written, kept in history).
core::status resolve(ticket& t, std::string_view actor, std::string_view note, core::instant now);
/// Anyone allowed by the app (an assignee, the coordinator) moves the ticket to the people in
/// `decision` (from route() with request.role set, or assign_to_person()). `target` is the role
/// or email asked for, for the history. invalid_argument on a ticket that is not
/// is_reassignable() (shared or crisis).
core::status reassign(ticket& t, std::string_view actor, std::string_view target,
                      const routing_decision& decision, core::instant now);
/// The request to route a ticket again: same student and category, everyone who said "not mine"
/// excluded, plus `also_exclude` (the person saying it now).
ticket_request reroute_request(const ticket& t, std::string_view also_exclude = {});
/// An assignee says "not mine": they leave the ticket and are excluded; `decision` (from
/// route_not_mine(), not_mine.hpp) supplies new people, and the ticket goes to MISROUTED with the
/// SLA clock restarted. A decision without assignees means the remaining co-assignees keep it:
/// status, role and SLA clock stay (only the leaving person's own acknowledgement is undone,
/// back to OPENED). invalid_argument when nobody would be left or the decision contains the
/// actor.
core::status mark_misrouted(ticket& t, std::string_view actor, const routing_decision& decision,
                            core::instant now);
/// Staff who left the institution (deactivated) leave the open ticket `t`: `departed` are the
/// assignees who left (departure.hpp: departed_assignees), `decision` the people who take it
/// over (route_departure). A decision without assignees means the remaining co-assignees keep it:
/// status, role and SLA clock stay (an acknowledgement by one who left is undone, back to
/// OPENED, so that the reminders reach the others). With assignees, the ticket goes to them,
/// REASSIGNED with the SLA clock restarted. Either way a "departed" event by the system says
/// who left and who has the ticket now. invalid_argument when the ticket is resolved, when none
/// of `departed` is an assignee, or when nobody would be left.
core::status hand_over(ticket& t, const std::vector<std::string>& departed,
                       const routing_decision& decision, core::instant now);
/// A staff note; allowed in every status.
core::status add_note(ticket& t, std::string_view actor, std::string_view note, core::instant now);

/// SLA bookkeeping (sla.hpp says when): each appends a history event.
core::status record_reminder(ticket& t, const std::vector<std::string>& to, core::instant now);
core::status record_escalation(ticket& t, const std::vector<std::string>& to, core::instant now);
/// The assignees `to` of an acknowledged open ticket were asked whether it is still open.
core::status record_still_open(ticket& t, const std::vector<std::string>& to, core::instant now);
core::status record_followup(ticket& t, core::instant now);
/// The follow-up step of a resolved ticket was taken without asking the student, for `reason`
/// (a history note "follow-up skipped: <reason>").
core::status record_followup_skipped(ticket& t, const std::string& reason, core::instant now);

std::string_view to_string(ticket_status s);

}  // namespace tuki::routing
