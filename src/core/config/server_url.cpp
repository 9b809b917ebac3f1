#include "tuki/core/config/server_url.hpp"

#include <cctype>

namespace tuki::config {
namespace {

bool valid_scheme(std::string_view s) {
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s.front()))) return false;
  for (unsigned char c : s)
    if (!std::isalnum(c) && c != '+' && c != '-' && c != '.') return false;
  return true;
}

// A port in 1..65535 as text; 0 when `text` is not one.
unsigned parse_port(std::string_view text) {
  if (text.empty() || text.size() > 5) return 0;
  unsigned n = 0;
  for (unsigned char c : text) {
    if (!std::isdigit(c)) return 0;
    n = n * 10 + (c - '0');
  }
  return n <= 65535 ? n : 0;
}

}  // namespace

core::result<server_url> parse_server_url(std::string_view url) {
  auto sep = url.find("://");
  if (sep == std::string_view::npos || !valid_scheme(url.substr(0, sep)))
    return core::status::invalid_argument("expected scheme://host[:port]");
  server_url out;
  out.scheme = std::string(url.substr(0, sep));
  auto authority = url.substr(sep + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    out.has_user_info = true;
    authority = authority.substr(at + 1);
  }
  std::string_view host = authority, port;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos)
      return core::status::invalid_argument("the IPv6 address has no closing ']'");
    host = authority.substr(1, close - 1);
    auto after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':')
      return core::status::invalid_argument("expected ':' and a port after ']'");
    if (!after.empty()) port = after.substr(1);
  } else if (auto colon = authority.find(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return core::status::invalid_argument("the host is missing");
  out.host = std::string(host);
  if (!port.empty()) {  // "host:" names no port
    unsigned p = parse_port(port);
    if (p == 0) return core::status::invalid_argument("the port must be a number between 1 and 65535");
    out.port = static_cast<std::uint16_t>(p);
  }
  return out;
}

core::status check_public_url(std::string_view url) {
  const std::string shown = "'" + redact_url(url) + "'";
  if (!url.starts_with("http://") && !url.starts_with("https://"))
    return core::status::invalid_argument(
        "must be an absolute http:// or https:// URL such as https://tuki.example.fi, got " +
        shown);
  auto parsed = parse_server_url(url);
  if (!parsed) return core::status::invalid_argument(parsed.error().message() + " in " + shown);
  if (parsed->has_user_info)
    return core::status::invalid_argument(
        "must not contain a user name or password (it goes into links in staff emails), got " +
        shown);
  if (url.find_first_of("?#") != std::string_view::npos)
    return core::status::invalid_argument(
        "must not have a query ('?...') or a fragment ('#...'): links are made by appending paths "
        "to it, got " +
        shown);
  return core::status::ok();
}

std::string redact_url(std::string_view url) {
  auto sep = url.find("://");
  std::size_t start = sep == std::string_view::npos ? 0 : sep + 3;
  // The user info ends at the last '@': a generated password may hold '#', '?' or '/' unencoded
  // (the URL then fails to parse, and this is what the error quotes). Only "host:port/path"
  // with an '@' in its path or query ("...:443/send?to=a@b.fi") has no user info before it.
  auto at = url.rfind('@');
  if (at == std::string_view::npos || at < start) return std::string(url);
  auto colon = url.find(':', start);
  if (colon == std::string_view::npos || colon > at) return std::string(url);
  const auto slash = url.find('/', colon);
  const bool port_then_path =
      slash < at && slash > colon + 1 &&
      url.substr(colon + 1, slash - colon - 1).find_first_not_of("0123456789") == std::string_view::npos;
  if (port_then_path) return std::string(url);
  return std::string(url.substr(0, colon + 1)) + "***" + std::string(url.substr(at));
}

}  // namespace tuki::config
