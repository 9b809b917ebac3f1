#pragma once
// What the pages behind staff action links say (/t/{id}/{action}: the confirmation page, the
// outcome page, every refusal), in the staff languages of staff_language(): fi, sv, en. The app
// (ticket_desk) decides what happened and names it with these enums; this file words it. The
// wording sits in one table per language in action_page_wording.cpp, beside nothing else.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace tuki::routing {

/// One sentence (or two) of an action-link page. Placeholders: see action_page_facts.
enum class action_message {
  link_valid,            // check(): the link verifies
  link_invalid,          // 400: tampered or malformed
  link_expired,          // 410
  link_used,             // 410: a single-use link was used before
  no_such_ticket,        // 404
  not_assignee,          // 403 {id}
  nothing_to_pass_on,    // 409 {id}: not mine on a resolved ticket
  already_resolved,      // 409 {id}: acknowledge, resolve or reassign a resolved ticket
  not_allowed_now,       // 409 {id} {status}: any other state the action is not allowed in
  unknown_role,          // 422 {id} {role} {roles}: reassign to a role nobody configures
  nobody_holds_role,     // 409 {id} {role}: reassign to a role nobody holds
  nobody_else,           // 409 {id}: not mine, and nobody else can take it
  not_reassignable,      // 409 {id}: reassign a shared or crisis ticket (not mine is the way)
  will_leave_to_others,  // confirm not mine {id} {people}: the others keep a shared ticket
  will_reroute_crisis,   // confirm not mine {id}: routed again on the crisis side only
  will_reroute,          // confirm not mine {id}: routed again to someone else
  acknowledged,          // 200 {id}: and the student was sent the "seen" SMS
  acknowledged_quietly,  // 200 {id}: no SMS to the student (opted out, or no "seen" text)
  already_acknowledged,  // 200 {id}
  resolved,              // 200 {id}
  passed_on,             // 200 {id} {people}: reassigned
  routed_again,          // 200 {id} {people}: not mine, new people have it
  stays_with,            // 200 {id} {people}: not mine, the others keep it
};

/// The label of the confirmation page's button.
enum class action_button { acknowledge, resolve, reassign, not_mine_reroute, not_mine_leave };

/// What fills the placeholders of an action_message. Roles are role ids as configured
/// ("study_counsellor"); the page shows them by name (role_naming).
struct action_page_facts {
  // Initialised so that {.ticket_id = id} may name only what a message needs.
  std::string ticket_id = "";                 // {id}
  std::string people = "";                    // {people}: staff emails, comma-separated
  std::string role = "";                      // {role}: a role id
  std::vector<std::string> known_roles = {};  // {roles}: role ids, listed with ", "
  std::string status = "";                    // {status}: the ticket status ("REASSIGNED")
  bool operator==(const action_page_facts&) const = default;
};

/// The name a staff page gives a role id in a language ("fi", "sv" or "en"): the app's
/// role_names (role_names::staff_name), since the core has no role names of its own. A role
/// without a name (one a staff member asked for that nobody configures) is shown as its id.
using role_naming = std::function<std::string(const std::string& role, std::string_view language)>;

/// The fixed texts of a page, in one language.
struct action_page_chrome {
  std::string title_done;       // "Done"
  std::string title_not_done;   // "Not done"
  std::string title_ticket;     // "Ticket 17"
  std::string ticket_page;      // the text of GET /t/{id} (no staff inbox yet)
  std::string try_again_later;  // 503: the store did not answer
};

/// `language` is any tag; staff_language() picks the wording, English for the rest. Roles are
/// named by `name_role` in the language of the wording; without it they are shown as ids.
std::string word_action_message(action_message m, const action_page_facts& facts,
                                std::string_view language, const role_naming& name_role = {});
std::string word_action_button(action_button b, std::string_view language);
action_page_chrome word_action_page_chrome(std::string_view ticket_id, std::string_view language);

/// The language of an action-link page ("fi", "sv" or "en"), in this order:
///  1. `link_language`: the lang parameter of the link, i.e. the language of the email it came
///     in, when staff wording exists in it;
///  2. `accept_language` (the browser's header): the most preferred range with staff wording,
///     by q-value ("sv;q=0.9, fi;q=0.8" gives sv; "*" and q=0 ranges choose nothing);
///  3. `institution_language`: the default language of the ticket's institution, when known and
///     staff wording exists in it;
///  4. English.
std::string_view action_page_language(std::string_view link_language,
                                      std::string_view accept_language,
                                      std::string_view institution_language);

}  // namespace tuki::routing
