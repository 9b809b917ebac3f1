#pragma once
// What a staff member is told about a ticket, independent of the channel (email or webhook),
// and its wording in the staff member's language (fi, sv, en; anything else falls back to en).
// Privacy default: the student's own words are NOT included unless the institution opts in
// (institution_settings::include_reply_text); staff read them in the ticket page instead.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tuki/core/routing/action_link.hpp"
#include "tuki/core/urgency.hpp"

namespace tuki::routing {

/// unregistered_crisis: a crisis message from a number that belongs to no student. There is no
/// ticket (ticket_url empty, no actions; ticket_id only keeps Message-IDs apart, it is not
/// shown); student_name carries the number.
/// student_wrote: the student wrote about an open ticket's matter again (a message no dialog
/// waited for), to its assignees.
/// still_open: an acknowledged ticket nobody resolved; its assignees are asked whether it is
/// still open (links to resolve, no acknowledge).
enum class notice_kind {
  new_ticket,
  reminder,
  escalation,
  student_wrote,
  still_open,
  unregistered_crisis
};

struct notice_action {
  ticket_action action = ticket_action::acknowledge;
  std::string role;  // reassign: the target role id (also in the signed url)
  std::string url;   // a signed link (make_action_link)
  /// reassign: the target role as the recipient reads it, in the message's language (the app
  /// names it: app::role_names::staff_name); the label shows `role` when this is empty.
  std::string role_name = "";
};

struct staff_notice {
  notice_kind kind = notice_kind::new_ticket;
  std::string ticket_id;
  std::string ticket_url;  // the ticket page (requires staff login)
  std::string student_name;
  std::string student_id;
  std::string category;
  core::urgency urgency = core::urgency::normal;
  std::vector<notice_action> actions;
  /// The student's words; rendered only when include_reply_text is true.
  std::string reply_text;
  bool include_reply_text = false;
  /// The earlier ticket this one follows up ("" when none): a line naming it.
  std::string follows_up;
};

/// The one rule for which languages staff wording (emails, webhooks, action-link pages) exists
/// in: "fi", "sv" or "en" when the base of `requested` ("fi", "sv-FI", "EN_gb"; any case) is one
/// of them, nullopt otherwise.
std::optional<std::string_view> staff_language(std::string_view requested);
/// "fi", "sv" or "en" (the language messages are written in) for any requested language:
/// staff_language(), else "en".
std::string_view notice_language(std::string_view requested);

/// The wording of one notice in one language; every field is plain UTF-8 text.
struct notice_wording {
  std::string subject;
  std::string greeting;  // "Hei Anna,"
  std::string intro;     // why this message
  std::string student_label, category_label, urgency_label;
  std::string category;       // translated category ("hyvinvointi")
  std::string urgency;        // translated urgency
  std::string follows_up_label;  // "Jatkoa tiketille"
  std::string open_ticket;    // "Avaa tiketti"
  std::string reply_heading;  // shown with the reply text when included
  std::string privacy_note;   // shown instead of the reply text
  std::string footer;
  std::vector<std::string> action_labels;  // parallel to staff_notice::actions
};

notice_wording word_notice(const staff_notice& n, std::string_view recipient_name,
                           std::string_view language);

/// The kind's name as mail jobs and webhooks carry it: "new_ticket", "reminder", ...
std::string_view to_string(notice_kind k);

}  // namespace tuki::routing
