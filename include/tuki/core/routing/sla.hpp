#pragma once
// Service levels for tickets (pure): when an unacknowledged ticket reminds its assignees, when it
// escalates, and when a resolved ticket's follow-up dialog is due. The app asks next_deadline()
// after every change, schedules a timer for `at`, and when it fires records the action on the
// ticket (ticket.hpp: record_reminder / record_escalation / record_followup) and sends it.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "tuki/core/instant.hpp"

namespace tuki::routing {

struct ticket;
class staff_directory;

struct sla_settings {
  /// Since assignment, without acknowledgement: remind the assignees, then escalate.
  core::duration remind_after = std::chrono::hours(48);
  core::duration escalate_after = std::chrono::hours(96);
  /// The same for crisis tickets (category "crisis" or urgency urgent).
  core::duration crisis_remind_after = std::chrono::minutes(30);
  core::duration crisis_escalate_after = std::chrono::minutes(60);
  /// After RESOLVED, the student gets the `followup` dialog.
  core::duration followup_after = std::chrono::days(14);
  /// Escalation target when an assignee has no backup (usually the institution coordinator).
  std::string coordinator_email;
  bool operator==(const sla_settings&) const = default;
};

enum class sla_action { remind, escalate, followup };

struct sla_deadline {
  sla_action action = sla_action::remind;
  core::instant at;
  /// remind: the assignees; escalate: their backups or the coordinator; followup: empty
  /// (the student gets the `followup` dialog).
  std::vector<std::string> recipients;
  /// at <= now: act now.
  bool due = false;
  bool operator==(const sla_deadline&) const = default;
};

/// The next SLA step of `t`, or nullopt when none is pending (acknowledged and open, already
/// escalated, or follow-up already sent). A crisis ticket still unacknowledged is escalated
/// again every crisis_escalate_after after its last escalation. With `staff`, nobody who left
/// (staff_directory:: departed) is a recipient: an escalation skips a backup who left for the
/// coordinator, and a coordinator who left too; without it, nobody counts as left.
std::optional<sla_deadline> next_deadline(const ticket& t, const sla_settings& s, core::instant now,
                                          const staff_directory* staff = nullptr);

std::string_view to_string(sla_action a);

}  // namespace tuki::routing
