#pragma once
// Signed action links in staff messages:
//   {public_url}/t/{ticket_id}/{action}?by=<email>&exp=<unix>&n=<nonce>[&role=<role>][&lang=<lang>]
//   &sig=<b64url>
// sig = HMAC-SHA256(key, "tuki-link-v1\n" id "\n" action "\n" role "\n" by "\n" exp "\n" nonce),
// base64url without padding. Every part is signed, so changing any of them (ticket, action,
// role, actor, expiry, nonce) invalidates the link. `by` names the staff member the link was
// sent to: the app acts as that person (and a "not mine" excludes them).
//
// `lang` is the language of the message the link was sent in, so that the page the link opens
// speaks it too. It only chooses wording, so a tampered lang would be harmless; it is signed
// all the same, so that the rule above stays true without exceptions (one link, one valid URL;
// any change, added or removed parameter is rejected alike). A link with lang is signed as
// "tuki-link-v2\n" <the v1 fields> "\n" lang; a link without it keeps the v1 text, so links
// sent before lang existed still verify (their pages fall back to Accept-Language). The
// version prefix keeps the two texts apart: removing lang from a v2 link, or adding one to a v1
// link, breaks the signature.
//
// Single use: resolve, reassign and not_mine links may be used once. verify_action_link() is
// pure and cannot know what was used: it returns the nonce, and the app refuses a nonce it has
// recorded (keep nonces until their expiry). acknowledge is idempotent and may be repeated.
// Mail scanners fetch links: the app shows a confirmation page on GET and acts only on POST, for
// every action (acknowledge too: a scanner must not acknowledge a ticket nobody read).
#include <optional>
#include <string>
#include <string_view>

#include "tuki/core/instant.hpp"
#include "tuki/core/status.hpp"

namespace tuki::routing {

enum class ticket_action { acknowledge, resolve, reassign, not_mine };

struct action_link {
  std::string ticket_id;  // [A-Za-z0-9_-], 1..64
  ticket_action action = ticket_action::acknowledge;
  std::string role;       // reassign only: the target role (is_link_role); empty otherwise
  std::string actor;      // staff email the link is for
  core::instant expires;  // second resolution (the link carries unix seconds)
  std::string nonce;      // [A-Za-z0-9_-], 8..64; fresh random per link (the app's id source)
  std::string language = "";  // the message's language ("fi"), [a-z], 2..8; empty: none (v1)
  bool operator==(const action_link&) const = default;
};

/// The full URL. invalid_argument for malformed parts (see action_link), a role on a non-reassign
/// action, a reassign without role, or an empty key.
core::result<std::string> make_action_link(std::string_view key, std::string_view public_url,
                                           const action_link& link);

struct verified_action {
  action_link link;
  /// The app must record link.nonce and refuse it next time (resolve, reassign, not_mine).
  bool single_use = false;
};

/// Checks a request target ("/prefix/t/T1/resolve?by=...") or a full URL. unauthenticated for a
/// bad or missing signature and for any malformed or unknown parameter; permission_denied when
/// expired (now >= exp).
core::result<verified_action> verify_action_link(std::string_view key, std::string_view target,
                                                 core::instant now);

/// The lang parameter of a link, NOT verified: only for the wording of the page that says a link
/// was refused (expired, tampered), where no verified link exists, and of the ticket page
/// (/t/{id}?lang=fi, whose lang is never signed). Empty when absent or not [a-z]{2,8}. Never use
/// it for a decision.
std::string unverified_link_language(std::string_view target);

/// Whether `role` can be the target role of a reassign link: [A-Za-z0-9_-], 1..64 characters
/// (make_action_link refuses any other). The routing loader holds role names to the same rule.
bool is_link_role(std::string_view role);

std::string_view to_string(ticket_action a);
std::optional<ticket_action> parse_ticket_action(std::string_view s);

}  // namespace tuki::routing
