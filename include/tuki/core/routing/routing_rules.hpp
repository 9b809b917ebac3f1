#pragma once
// Routing rules of one institution: which roles take which ticket categories. Loaded from
// config/routing/<institution>.yaml (routing_config_loader.hpp) or the built-in defaults.
// Values only; immutable after load and safe to share between threads.
#include <optional>
#include <string>
#include <vector>

#include "tuki/core/urgency.hpp"

namespace date {
class time_zone;
}

namespace tuki::routing {

/// How one of several eligible staff members is chosen.
enum class choice_strategy {
  round_robin,  // rotate through candidates (sorted by email) with a cursor per rule and role
  fewest_open,  // the candidate with the fewest open tickets; ties go to the smaller email
};

/// How a rule's roles are used.
enum class role_pick {
  first_available,  // roles in order of preference: the first role with an available person
  pool,             // every listed role forms one pool; one person is chosen from it
  all_on_call,      // EVERY available on-call holder of any listed role (crisis)
};

struct routing_rule {
  std::string category;
  // Optional conditions on the request; a rule matches when all set conditions are equal.
  std::optional<std::string> campus;
  std::optional<std::string> group;
  std::optional<std::string> programme;
  std::optional<std::string> language;
  std::optional<core::urgency> urgency;
  std::vector<std::string> roles;
  role_pick pick = role_pick::first_available;
  /// Also notify the institution's crisis contact (institution_settings::crisis_contact_email).
  bool notify_crisis_contact = false;
  /// "file:line:column" of the rule, for decisions' reasons and diagnostics.
  std::string where;

  /// Number of optional conditions set: the more specific rule wins.
  int specificity() const;
};

struct institution_settings {
  std::string id;
  /// Receives every crisis ticket (a duty phone's mailbox, a principal). Empty = none.
  std::string crisis_contact_email;
  /// Last resort when nobody else can take a ticket, and the target of SLA escalation when an
  /// assignee has no backup.
  std::string coordinator_email;
  /// IANA zone of working hours and absence dates. Empty: the file sets none, and the app fills
  /// in the institution's configured timezone (ticket_desk).
  std::string time_zone;
  /// Staff messages include the student's own words only when true (privacy default: false).
  bool include_reply_text = false;
  /// Base URL of the staff web pages, e.g. "https://tuki.varia.fi" (no trailing slash).
  std::string public_url;
};

struct routing_rules {
  int version = 1;
  choice_strategy strategy = choice_strategy::round_robin;
  /// Takes what no rule matches, and what a rule's roles cannot staff.
  std::string fallback_role = "study_counsellor";
  std::vector<routing_rule> rules;
  institution_settings institution;
  /// institution.time_zone resolved at load; null = UTC (or unset, when time_zone is empty).
  /// Points into the process-wide tz database.
  const date::time_zone* zone = nullptr;
};

std::string_view to_string(choice_strategy s);
std::optional<choice_strategy> parse_choice_strategy(std::string_view s);
std::string_view to_string(role_pick p);
std::optional<role_pick> parse_role_pick(std::string_view s);

}  // namespace tuki::routing
