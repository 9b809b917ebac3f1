#pragma once
// Plain HTTP request/response values. Handlers and gateway drivers are functions over these, so
// they are tested without sockets; the Beast server and the curl client convert at the edge.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tuki::core {

struct http_header {
  std::string name;
  std::string value;
};

struct http_request {
  std::string method = "GET";
  /// Path and query as sent ("/v1/gateways/kannel/inbound?from=..."), or a full URL when the
  /// request is outbound.
  std::string target;
  std::vector<http_header> headers;
  std::string body;
  /// The peer's IP address as text (inbound only; empty when unknown).
  std::string remote_address;

  /// Case-insensitive header lookup; empty view when absent.
  std::string_view header(std::string_view name) const;
  /// The credentials of an `Authorization: <scheme> <credentials>` header ("Basic", "Bearer"):
  /// the scheme name in any case (RFC 9110 11.1), then one or more spaces. Empty when the header
  /// is absent, names another scheme, or carries no credentials.
  std::string_view credentials(std::string_view scheme) const;
  /// The path part of target (before '?').
  std::string_view path() const;
  /// The query part of target (after '?'), without the '?'.
  std::string_view query() const;
};

struct http_response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<http_header> headers;

  static http_response text(int status, std::string body) {
    return {status, "text/plain; charset=utf-8", std::move(body), {}};
  }
  std::string_view header(std::string_view name) const;
};

}  // namespace tuki::core
