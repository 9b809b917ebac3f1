#pragma once
// Service levels for tickets (pure): when an unacknowledged ticket reminds its assignees, when it
// escalates (and escalates again), when an acknowledged ticket nobody resolved asks its assignees
// whether it is still open, and when a resolved ticket's follow-up dialog is due. No open ticket
// goes quiet for good. The app asks next_deadline() after every change, schedules a timer for
// `at`, and when it fires records the action on the ticket (ticket.hpp: record_reminder /
// record_escalation / record_still_open / record_followup) and sends it.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "tuki/core/instant.hpp"
#include "tuki/core/schedule/holiday_calendar.hpp"

namespace date {
class time_zone;
}

namespace tuki::routing {

struct ticket;
class staff_directory;

/// The steps that wait for staff (remind, escalate, escalate again, ask whether still open)
/// count school days only, Monday to Friday in `zone` outside `holidays`
/// (schedule::add_weekday_time): a ticket opened on Friday afternoon is reminded of on Tuesday
/// afternoon, not on Sunday, and one opened before the Christmas break after it. A crisis
/// ticket's reminders and escalations count every hour (its "still open?" school days); the
/// student's follow-up counts calendar days.
struct sla_settings {
  /// Since assignment, without acknowledgement: remind the assignees, then escalate.
  core::duration remind_after = std::chrono::hours(48);
  core::duration escalate_after = std::chrono::hours(96);
  /// The same for crisis tickets (category "crisis" or urgency urgent).
  core::duration crisis_remind_after = std::chrono::minutes(30);
  core::duration crisis_escalate_after = std::chrono::minutes(60);
  /// An escalated ticket still not acknowledged is escalated again this long after the last
  /// escalation (a crisis ticket: every crisis_escalate_after).
  core::duration escalate_repeat_after = std::chrono::hours(48);
  /// An acknowledged ticket not resolved this long after the acknowledgement (or the last ask)
  /// asks its assignees whether it is still open, with fresh links to resolve it (5 school
  /// days: a week).
  core::duration still_open_after = std::chrono::days(5);
  /// After RESOLVED, the student gets the `followup` dialog.
  core::duration followup_after = std::chrono::days(14);
  /// Escalation target when an assignee has no backup (usually the institution coordinator).
  std::string coordinator_email;
  /// The institution's zone, whose Saturdays and Sundays the staff steps skip; null: UTC.
  const date::time_zone* zone = nullptr;
  /// The institution's holidays (its schedule file's `holidays`), skipped as well.
  schedule::holiday_calendar holidays;
  bool operator==(const sla_settings&) const = default;
};

enum class sla_action { remind, escalate, still_open, followup };

struct sla_deadline {
  sla_action action = sla_action::remind;
  core::instant at;
  /// remind and still_open: the assignees; escalate: their backups or the coordinator, never
  /// an assignee, and from the second escalation on the coordinator as well; followup: empty (the
  /// student gets the `followup` dialog).
  std::vector<std::string> recipients;
  /// at <= now: act now.
  bool due = false;
  bool operator==(const sla_deadline&) const = default;
};

/// The next SLA step of `t`, or nullopt when none is pending (resolved and followed up). A
/// ticket still unacknowledged is escalated again every escalate_repeat_after after its last
/// escalation (a crisis ticket every crisis_escalate_after); an acknowledged one still open
/// asks every still_open_after. With `staff`, nobody who left (staff_directory::departed) is a
/// recipient: an escalation skips a backup who left, or who is absent on the day it goes out
/// (the member's `absences`), for the coordinator, and a coordinator who left too; without it,
/// nobody counts as left or absent.
std::optional<sla_deadline> next_deadline(const ticket& t, const sla_settings& s, core::instant now,
                                          const staff_directory* staff = nullptr);

std::string_view to_string(sla_action a);

}  // namespace tuki::routing
