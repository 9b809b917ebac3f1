#include "tuki/core/routing/action_link.hpp"

#include <chrono>
#include <optional>

#include "tuki/core/crypto/hmac.hpp"
#include "tuki/core/text/email_address.hpp"
#include "tuki/core/text/url_encoding.hpp"

namespace tuki::routing {
namespace {

bool token_ok(std::string_view s, std::size_t min, std::size_t max) {
  if (s.size() < min || s.size() > max) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::int64_t unix_seconds(core::instant t) {
  return std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count();
}

bool language_ok(std::string_view s) {
  return s.size() >= 2 && s.size() <= 8 &&
         s.find_first_not_of("abcdefghijklmnopqrstuvwxyz") == std::string_view::npos;
}

// v1 without a language (links made before it existed verify unchanged); v2 with one. See the
// header for why lang is signed.
std::string signed_text(const action_link& l, std::int64_t exp) {
  std::string s = l.language.empty() ? "tuki-link-v1\n" : "tuki-link-v2\n";
  s += l.ticket_id + "\n" + std::string(to_string(l.action)) + "\n" + l.role + "\n" + l.actor +
       "\n" + std::to_string(exp) + "\n" + l.nonce;
  if (!l.language.empty()) s += "\n" + l.language;
  return s;
}

core::status check(const action_link& l) {
  if (!token_ok(l.ticket_id, 1, 64)) return core::status::invalid_argument("bad ticket id");
  if (!token_ok(l.nonce, 8, 64)) return core::status::invalid_argument("bad nonce");
  // An address has no newline, the signed string's separator.
  if (!core::is_email_address(l.actor)) {
    return core::status::invalid_argument("bad actor email");
  }
  if ((l.action == ticket_action::reassign) != !l.role.empty()) {
    return core::status::invalid_argument("a role goes with reassign and only with reassign");
  }
  if (!l.role.empty() && !is_link_role(l.role)) return core::status::invalid_argument("bad role");
  if (!l.language.empty() && !language_ok(l.language))
    return core::status::invalid_argument("bad language");
  return core::status::ok();
}

core::status forged(std::string why) {
  return core::status::unauthenticated("action link rejected: " + std::move(why));
}

}  // namespace

core::result<std::string> make_action_link(std::string_view key, std::string_view public_url,
                                           const action_link& link) {
  if (key.empty()) return core::status::invalid_argument("empty link key");
  if (auto st = check(link); !st) return st;
  const std::int64_t exp = unix_seconds(link.expires);
  const std::string sig = core::base64url_encode(core::hmac_sha256(key, signed_text(link, exp)));
  while (!public_url.empty() && public_url.back() == '/') public_url.remove_suffix(1);
  core::form_fields q{{"by", link.actor}, {"exp", std::to_string(exp)}, {"n", link.nonce}};
  if (!link.role.empty()) q.emplace_back("role", link.role);
  if (!link.language.empty()) q.emplace_back("lang", link.language);
  q.emplace_back("sig", sig);
  return std::string(public_url) + "/t/" + link.ticket_id + "/" +
         std::string(to_string(link.action)) + "?" + core::encode_form(q);
}

core::result<verified_action> verify_action_link(std::string_view key, std::string_view target,
                                                 core::instant now) {
  if (key.empty()) return core::status::internal("empty link key");
  if (const auto scheme = target.find("://"); scheme != std::string_view::npos) {
    const auto path = target.find('/', scheme + 3);
    if (path == std::string_view::npos) return forged("no path");
    target.remove_prefix(path);
  }
  const auto q = target.find('?');
  if (q == std::string_view::npos) return forged("no query");
  std::string_view path = target.substr(0, q);
  const std::string_view query = target.substr(q + 1);

  // The last three path segments: t / {id} / {action}.
  std::string_view segs[3];
  for (int i = 2; i >= 0; --i) {
    const auto slash = path.rfind('/');
    if (slash == std::string_view::npos) return forged("path is not /t/{id}/{action}");
    segs[i] = path.substr(slash + 1);
    path = path.substr(0, slash);
  }
  if (segs[0] != "t") return forged("path is not /t/{id}/{action}");
  const auto action = parse_ticket_action(segs[2]);
  if (!action) return forged("unknown action");

  const auto fields = core::parse_form(query);
  if (!fields) return forged("malformed query");
  action_link l;
  l.ticket_id = std::string(segs[1]);
  l.action = *action;
  std::optional<std::string> by, nonce, role, lang, exp_text, sig;
  for (const auto& [k, v] : *fields) {
    std::optional<std::string>* slot = k == "by"     ? &by
                                       : k == "n"    ? &nonce
                                       : k == "role" ? &role
                                       : k == "lang" ? &lang
                                       : k == "exp"  ? &exp_text
                                       : k == "sig"  ? &sig
                                                     : nullptr;
    if (slot == nullptr) return forged("unknown parameter " + k);
    if (slot->has_value()) return forged("repeated parameter " + k);
    *slot = v;
  }
  if (!sig || !exp_text || !by || !nonce) return forged("missing parameter");
  l.actor = *by;
  l.nonce = *nonce;
  l.role = role.value_or("");
  // "lang=" (present but empty) is malformed, not a v1 link: else it could be added to one.
  if (lang && lang->empty()) return forged("bad language");
  l.language = lang.value_or("");
  if (exp_text->empty() || exp_text->size() > 12 ||
      exp_text->find_first_not_of("0123456789") != std::string::npos) {
    return forged("bad expiry");
  }
  const std::int64_t exp = std::stoll(*exp_text);
  if (auto st = check(l); !st) return forged(st.message());

  // Compared as text: only the canonical encoding is accepted (no padding or alphabet variants).
  const std::string expected = core::base64url_encode(core::hmac_sha256(key, signed_text(l, exp)));
  if (!core::constant_time_equal(*sig, expected)) {
    return forged("bad signature");
  }
  l.expires = core::instant{std::chrono::seconds{exp}};
  if (now >= l.expires) return core::status::permission_denied("action link expired");
  verified_action out;
  out.single_use = l.action != ticket_action::acknowledge;
  out.link = std::move(l);
  return out;
}

bool is_link_role(std::string_view role) { return token_ok(role, 1, 64); }

std::string unverified_link_language(std::string_view target) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return "";
  const auto fields = core::parse_form(target.substr(q + 1));
  if (!fields) return "";
  const auto lang = core::form_value(*fields, "lang");
  return lang && language_ok(*lang) ? std::string(*lang) : "";
}

std::string_view to_string(ticket_action a) {
  switch (a) {
    case ticket_action::acknowledge:
      return "acknowledge";
    case ticket_action::resolve:
      return "resolve";
    case ticket_action::reassign:
      return "reassign";
    case ticket_action::not_mine:
      return "not_mine";
  }
  return "acknowledge";
}

std::optional<ticket_action> parse_ticket_action(std::string_view s) {
  if (s == "acknowledge") return ticket_action::acknowledge;
  if (s == "resolve") return ticket_action::resolve;
  if (s == "reassign") return ticket_action::reassign;
  if (s == "not_mine") return ticket_action::not_mine;
  return std::nullopt;
}

}  // namespace tuki::routing
