#include "tuki/adapters/gateway/twilio_signature.hpp"

#include <map>
#include <set>

#include "tuki/core/crypto/hmac.hpp"

namespace tuki::adapters {
namespace {

struct url_parts {
  std::string_view scheme;  // "https"
  std::string_view host;    // "example.com" (with userinfo if any)
  std::string_view port;    // "" when absent
  std::string_view rest;    // "/path?query"
  bool ok = false;
};

url_parts split_url(std::string_view url) {
  url_parts p;
  auto sep = url.find("://");
  if (sep == std::string_view::npos) return p;
  p.scheme = url.substr(0, sep);
  auto authority_start = sep + 3;
  auto rest_start = url.find_first_of("/?#", authority_start);
  if (rest_start == std::string_view::npos) rest_start = url.size();
  auto authority = url.substr(authority_start, rest_start - authority_start);
  p.rest = url.substr(rest_start);
  // The port follows the last ':' after an IPv6 literal's closing bracket, if any.
  auto bracket = authority.rfind(']');
  auto colon = authority.rfind(':');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    p.host = authority.substr(0, colon);
    p.port = authority.substr(colon + 1);
  } else {
    p.host = authority;
  }
  p.ok = true;
  return p;
}

}  // namespace

std::string url_without_port(std::string_view url) {
  auto p = split_url(url);
  if (!p.ok || p.port.empty()) return std::string(url);
  return std::string(p.scheme) + "://" + std::string(p.host) + std::string(p.rest);
}

std::string url_with_default_port(std::string_view url) {
  auto p = split_url(url);
  if (!p.ok || !p.port.empty()) return std::string(url);
  std::string_view port = p.scheme == "https" ? "443" : p.scheme == "http" ? "80" : "";
  if (port.empty()) return std::string(url);
  return std::string(p.scheme) + "://" + std::string(p.host) + ":" + std::string(port) +
         std::string(p.rest);
}

std::string twilio_string_to_sign(std::string_view url, const core::form_fields& params) {
  std::map<std::string, std::set<std::string>> sorted;
  for (const auto& [name, value] : params) sorted[name].insert(value);
  std::string s(url);
  for (const auto& [name, values] : sorted)
    for (const auto& value : values) s += name + value;
  return s;
}

std::string twilio_signature(std::string_view auth_token, std::string_view url,
                             const core::form_fields& params) {
  return core::base64_encode(core::hmac_sha1(auth_token, twilio_string_to_sign(url, params)));
}

bool twilio_signature_valid(std::string_view auth_token, std::string_view signature,
                            std::string_view url, const core::form_fields& params) {
  if (signature.empty()) return false;
  // Both candidates are computed and compared so the time does not depend on which one matched.
  const bool without_port = core::constant_time_equal(
      twilio_signature(auth_token, url_without_port(url), params), signature);
  const bool with_port = core::constant_time_equal(
      twilio_signature(auth_token, url_with_default_port(url), params), signature);
  return without_port || with_port;
}

bool twilio_body_signature_valid(std::string_view auth_token, std::string_view signature,
                                 std::string_view url, std::string_view body) {
  auto query_start = url.find('?');
  if (query_start == std::string_view::npos) return false;
  auto query = core::parse_form(url.substr(query_start + 1));
  if (!query) return false;
  auto hash = core::form_value(*query, "bodySHA256");
  if (!hash) return false;
  const bool url_ok = twilio_signature_valid(auth_token, signature, url, {});
  const bool body_ok = core::constant_time_equal(core::hex_encode(core::sha256(body)), *hash);
  return url_ok && body_ok;
}

}  // namespace tuki::adapters
