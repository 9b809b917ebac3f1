#pragma once
// Authentication of requests a gateway makes to tuki (inbound SMS and delivery reports), shared
// by every driver: an optional source-IP allowlist, optional HTTP basic auth and an optional
// secret path segment. Drivers add their own signature checks on top (Twilio, GatewayAPI,
// http_json); this is what a driver without signatures (Kannel) relies on alone.
//
// Configured under a gateway's `auth:` option:
//   auth:
//     allow_ips: [192.0.2.10, 198.51.100.0/24, "2001:db8::/32"]  # exact addresses or CIDR
//     basic: {username: kannel, password: "long random"}
//     path_secret: "long-random-url-safe-string"
// Every configured check must pass. With a path secret the router serves
// /v1/gateways/{name}/inbound/{secret} and /v1/gateways/{name}/dlr/{secret}, and the callback
// URLs a driver hands to its gateway carry the secret (see callback_url()).
//
// Results: a wrong source address is permission_denied (the endpoint answers 403); a missing or
// wrong password or path secret is unauthenticated (401). Secrets are compared in constant time.
// Thread-safety: immutable after construction.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "tuki/core/http_message.hpp"
#include "tuki/core/status.hpp"

namespace tuki::adapters {

class gateway_options;

/// An IPv4 or IPv6 network; IPv4 is stored as an IPv4-mapped IPv6 address (::ffff:a.b.c.d) so
/// that a v4 rule also matches a peer reported as "::ffff:192.0.2.1" by a dual-stack socket.
struct ip_network {
  std::array<std::uint8_t, 16> address{};
  int prefix_bits = 128;  // over the 128-bit (mapped) form
};

/// Parses "192.0.2.1", "198.51.100.0/24", "2001:db8::1", "2001:db8::/32"; nullopt when invalid
/// (bad address, prefix out of range). Host bits beyond the prefix are ignored.
std::optional<ip_network> parse_ip_network(std::string_view text);
/// Whether `address` (an address without prefix, v4 or v6 text) lies in `network`.
bool ip_network_contains(const ip_network& network, std::string_view address);

/// Whether `address` (v4 or v6 text, as config http.listen holds it; a v6 %scope is ignored) is
/// a loopback address, 127.0.0.0/8 or ::1: a server bound to it is reachable from this host only.
bool is_loopback_address(std::string_view address);
/// Whether the host of `url` (public_url) is a loopback address or "localhost": the gateway's
/// callbacks then come from this host only. false for a malformed URL.
bool url_host_is_loopback(std::string_view url);

/// Whether a proxy relayed `request`: it carries `Forwarded`, `X-Forwarded-For` or `X-Real-IP`.
/// Its source address is then the proxy's (on this host: a loopback address), not the sender's,
/// so neither `allow_ips` nor trust in this host may admit it.
bool relayed_by_proxy(const core::http_request& request);

/// Which gateway endpoint a request was made to, judged from its path
/// (".../inbound", ".../inbound/{secret}", ".../dlr", ".../dlr/{secret}").
enum class callback_kind { inbound, dlr, unknown };
callback_kind callback_kind_of(const core::http_request& request);

class inbound_auth {
 public:
  /// No checks at all.
  inbound_auth() = default;
  /// Reads the `auth` key of a gateway's options (absent or null: no checks). Errors name the
  /// gateway and the key ("gateway 'k': option 'auth.allow_ips' ...").
  static core::result<inbound_auth> from_options(const std::string& gateway_name,
                                                 const nlohmann::json& options);
  /// The same, with errors located as `options` locates them (gateway_options.hpp).
  static core::result<inbound_auth> from_options(const gateway_options& options);

  /// ok, permission_denied (source address not allowed, or a request through a proxy where
  /// `allow_ips` must judge the source: relayed_by_proxy) or unauthenticated.
  core::status check(const core::http_request& request) const;

  /// The URL the gateway must call for `kind` ("inbound" or "dlr"):
  /// {public_base_url}/v1/gateways/{name}/{kind}[/{path secret}] (no trailing query).
  std::string callback_url(std::string_view public_base_url, std::string_view gateway_name,
                           std::string_view kind) const;

  /// True when no check is configured.
  bool empty() const { return allow_.empty() && !basic_user_ && path_secret_.empty(); }
  bool has_path_secret() const { return !path_secret_.empty(); }
  /// True when no secret is configured and `allow_ips` lists loopback networks only: anything on
  /// this host is admitted, a reverse proxy too.
  bool admits_this_host_only() const;

 private:
  std::vector<ip_network> allow_;
  std::optional<std::string> basic_user_;
  std::string basic_password_;
  std::string path_secret_;
};

/// Compares two secrets in time independent of their contents and lengths (compares SHA-256
/// digests in constant time).
bool secrets_equal(std::string_view a, std::string_view b);

}  // namespace tuki::adapters
