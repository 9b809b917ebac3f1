#pragma once
// The parts of a plain http:// URL that an HTTP/1.1 client needs to send a request.
#include <optional>
#include <string>
#include <string_view>

namespace tuki::adapters {

struct http_url {
  std::string host;    // without brackets for an IPv6 literal ("::1")
  std::string port;    // decimal text, "80" when the URL gives none
  std::string target;  // path and query as sent on the request line, "/" when the URL has no path
  /// The Host header value: host, with ":port" unless the port is 80.
  std::string host_header() const;
};

/// Parses `http://host[:port][/path][?query][#fragment]` (scheme case-insensitive; the fragment
/// is dropped). nullopt for any other scheme, user info ("user:pw@"), an empty host or a port
/// outside 1..65535: callers then hand the URL to a fuller client (libcurl).
std::optional<http_url> parse_http_url(std::string_view url);

}  // namespace tuki::adapters
