#pragma once
// The URL of a server tuki talks to (mail.url, gateway URLs), as configured: checked at start-up,
// and shown in messages and logs only with the password of its user info replaced by "***".
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tuki/core/status.hpp"

namespace tuki::config {

struct server_url {
  std::string scheme;                 // as written ("smtp", "https")
  std::string host;                   // without brackets for an IPv6 literal
  std::optional<std::uint16_t> port;  // when the URL names one
  bool has_user_info = false;         // "user[:password]@" before the host
};

/// Parses "scheme://[user[:password]@]host[:port][/path][?query][#fragment]". An error says what
/// is wrong ("the port must be a number between 1 and 65535") and quotes no part of `url`;
/// callers that show the URL show redact_url(url).
core::result<server_url> parse_server_url(std::string_view url);

/// Checks a base URL tuki is reached at (`public_url`, a routing file's institution.public_url):
/// "http://" or "https://", a host, optionally a port and a path. Links are made by appending
/// paths ("/t/..."), so a query or fragment is an error, and so is user info (it would go into
/// every link in staff emails). A trailing '/' is fine (callers strip it before joining). The
/// error says what is wrong and quotes redact_url(url).
core::status check_public_url(std::string_view url);

/// `url` with the password of its user info replaced by "***" ("smtp://user:***@host:25"), else
/// unchanged. Also when `url` is malformed: everything from the first ':' after the scheme up to
/// the last '@' before any '?' or '#' is hidden, so a typo in the scheme or a '/' in the password
/// does not reveal it.
std::string redact_url(std::string_view url);

}  // namespace tuki::config
