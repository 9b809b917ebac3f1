#pragma once
// route(): who gets a ticket. Pure and deterministic: the same rules, request, directory, state
// and `now` give the same decision. The caller keeps routing_state (cursors and open counts) and
// applies each decision with apply() so the next call sees it.
//
// Order of resolution (docs/routing.md has the full story):
//   1. request.role set (reassignment to a role)   -> that role only
//   2. the most specific matching rule (ties: the earlier rule) -> its roles, by its `pick`
//   3. urgent request that nobody in 2 can take now  -> any on-call staff member
//   4. the fallback role, 5. the institution coordinator; else not_found.
// Within a role, staff serving the student's group beat those serving the campus, who beat
// institution-wide staff; for role `teacher` the student's own teacher comes first. An absent
// person is replaced by their backup (followed up to 8 hops); outside working hours an urgent
// ticket goes only to on-call staff, a non-urgent one to the person as usual.
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "tuki/core/instant.hpp"
#include "tuki/core/routing/routing_rules.hpp"
#include "tuki/core/routing/staff_directory.hpp"
#include "tuki/core/status.hpp"
#include "tuki/core/urgency.hpp"

namespace tuki::routing {

/// What routing and staff messages need to know about a student (no message text).
struct student_ref {
  std::string id;
  std::string name;
  std::string campus;
  std::string group;
  std::string programme;
  std::string language;
  /// The student's own teacher (role `teacher`); empty when unknown.
  std::string teacher_email;
  bool operator==(const student_ref&) const = default;
};

struct ticket_request {
  std::string category;  // studies, wellbeing, life, other, crisis, no_reply, delivery_failed, ...
  core::urgency urgency = core::urgency::normal;
  student_ref student;
  /// When set, route to this role only and skip the rules (reassignment to a role).
  std::optional<std::string> role;
  /// Emails never chosen (people who said "not mine"), compared case-insensitively.
  std::vector<std::string> excluded;
  /// The ticket this one follows up (the student answered "did you get help?" with no); routing
  /// ignores it, the ticket and its notices carry it.
  std::string follows_up;
};

/// Kept by the caller between calls. Keys of `cursors` are opaque; open counts are by email.
struct routing_state {
  std::unordered_map<std::string, std::uint64_t> cursors;
  std::unordered_map<std::string, int> open_counts;
};

struct assignee {
  std::string email;
  std::string name;  // empty when the email is not in the directory
  std::string role;  // the role they were chosen for ("crisis_contact", "coordinator" too)
  std::string language;  // of their staff messages; empty: the institution's default_language
  std::string backup_email;
  /// Why this person: "" (holds the role), "backup for x@y", "own teacher", "on call".
  std::string via;
  bool operator==(const assignee&) const = default;
};

inline constexpr int rule_none = -1;  // fallback, forced role, on-call or coordinator

struct routing_decision {
  std::vector<assignee> assignees;  // never empty in a successful decision
  std::string role;                 // the role used ("psychologist,nurse" for all_on_call)
  int rule_index = rule_none;       // index into routing_rules::rules, or rule_none
  std::string reason;               // human-readable, for the ticket history
  /// Cursor values to store (round-robin); apply() does it.
  std::vector<std::pair<std::string, std::uint64_t>> cursor_updates;
};

/// not_found when nobody at all can take the ticket (no staff, no coordinator).
core::result<routing_decision> route(const routing_rules& rules, const ticket_request& request,
                                     const staff_directory& staff, const routing_state& state,
                                     core::instant now);

/// Stores the decision's cursors and counts one more open ticket for each assignee.
void apply(routing_state& state, const routing_decision& decision);

/// The institution's crisis contact as an assignee (role "crisis_contact"; name and language from
/// the directory when listed there); nullopt when none is configured or they left
/// (staff_directory::departed).
std::optional<assignee> crisis_contact(const routing_rules& rules, const staff_directory& staff);

/// The roles a ticket can be routed or reassigned to: every rule's roles, the fallback role and
/// every role a staff member holds. Sorted, without repeats.
std::vector<std::string> known_roles(const routing_rules& rules, const staff_directory& staff);

/// A decision naming one person directly (reassignment to a person). Unknown emails are allowed
/// (name left empty); invalid_argument for an empty email.
core::result<routing_decision> assign_to_person(const staff_directory& staff,
                                                std::string_view email, std::string_view role);

}  // namespace tuki::routing
