#include "tuki/adapters/gateway/inbound_auth.hpp"
#include "tuki/core/text/ascii_case.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>

#include "tuki/adapters/gateway/gateway_options.hpp"
#include "tuki/core/crypto/hmac.hpp"
#include "tuki/core/text/url_encoding.hpp"

namespace tuki::adapters {
namespace {

std::optional<std::array<std::uint8_t, 16>> parse_address(std::string_view text) {
  std::string s(text);
  // Strip an IPv6 zone ("fe80::1%eth0") and brackets ("[2001:db8::1]").
  if (s.size() > 2 && s.front() == '[' && s.back() == ']') s = s.substr(1, s.size() - 2);
  if (auto pct = s.find('%'); pct != std::string::npos) s.resize(pct);
  std::array<std::uint8_t, 16> out{};
  in_addr v4{};
  if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
    out[10] = 0xff;
    out[11] = 0xff;
    std::memcpy(out.data() + 12, &v4, 4);
    return out;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
    std::memcpy(out.data(), &v6, 16);
    return out;
  }
  return std::nullopt;
}

bool is_v4_mapped(const std::array<std::uint8_t, 16>& a) {
  for (int i = 0; i < 10; ++i)
    if (a[i] != 0) return false;
  return a[10] == 0xff && a[11] == 0xff;
}

// The path's segments, e.g. "/v1/gateways/k/dlr/s3" -> {v1, gateways, k, dlr, s3}.
std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    auto slash = path.find('/');
    auto seg = path.substr(0, slash);
    if (!seg.empty()) out.push_back(seg);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

bool is_kind(std::string_view s) { return s == "inbound" || s == "dlr"; }

}  // namespace

std::optional<ip_network> parse_ip_network(std::string_view text) {
  auto slash = text.find('/');
  auto addr = parse_address(text.substr(0, slash));
  if (!addr) return std::nullopt;
  ip_network net{*addr, 128};
  const bool v4 = is_v4_mapped(*addr) && text.substr(0, slash).find(':') == std::string_view::npos;
  if (slash != std::string_view::npos) {
    auto p = text.substr(slash + 1);
    int bits = -1;
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), bits);
    if (ec != std::errc{} || end != p.data() + p.size() || p.empty()) return std::nullopt;
    if (bits < 0 || bits > (v4 ? 32 : 128)) return std::nullopt;
    net.prefix_bits = v4 ? 96 + bits : bits;
  }
  return net;
}

bool ip_network_contains(const ip_network& network, std::string_view address) {
  auto addr = parse_address(address);
  if (!addr) return false;
  int bits = network.prefix_bits;
  for (int i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
    const std::uint8_t mask = bits >= 8 ? 0xff : static_cast<std::uint8_t>(0xff << (8 - bits));
    if ((network.address[i] & mask) != ((*addr)[i] & mask)) return false;
  }
  return true;
}

namespace {
// 127.0.0.0/8 and ::1: what is_loopback_address and admits_this_host_only call this host.
const std::array<ip_network, 2>& loopback_networks() {
  static const std::array<ip_network, 2> nets{*parse_ip_network("127.0.0.0/8"),
                                              *parse_ip_network("::1")};
  return nets;
}
}  // namespace

bool is_loopback_address(std::string_view address) {
  address = address.substr(0, address.find('%'));
  const auto& [v4, v6] = loopback_networks();
  return ip_network_contains(v4, address) || ip_network_contains(v6, address);
}

bool url_host_is_loopback(std::string_view url) {
  // The host alone: the port may be 0 (a server on port 0 before it is bound).
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return false;
  auto authority = url.substr(scheme_end + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  if (authority.empty()) return false;
  const std::string host =
      core::ascii_lowercase(authority.front() == '[' ? authority.substr(1, authority.find(']') - 1)
                                                    : authority.substr(0, authority.find(':')));
  return host == "localhost" || is_loopback_address(host);
}

bool relayed_by_proxy(const core::http_request& request) {
  for (std::string_view h : {"Forwarded", "X-Forwarded-For", "X-Real-IP"})
    if (!request.header(h).empty()) return true;
  return false;
}

callback_kind callback_kind_of(const core::http_request& request) {
  auto segs = segments(request.path());
  if (segs.empty()) return callback_kind::unknown;
  std::string_view k = segs.back();
  if (!is_kind(k) && segs.size() >= 2) k = segs[segs.size() - 2];
  if (k == "inbound") return callback_kind::inbound;
  if (k == "dlr") return callback_kind::dlr;
  return callback_kind::unknown;
}

bool secrets_equal(std::string_view a, std::string_view b) {
  return core::constant_time_equal(core::sha256(a), core::sha256(b));
}

core::result<inbound_auth> inbound_auth::from_options(const std::string& gateway_name,
                                                      const nlohmann::json& options) {
  return from_options(gateway_options(gateway_name, options));
}

core::result<inbound_auth> inbound_auth::from_options(const gateway_options& top) {
  inbound_auth out;
  if (!top.has("auth")) return out;
  auto auth = top.object("auth");
  if (!auth) return auth.error();
  if (auto st = auth->check_keys({"allow_ips", "basic", "path_secret"}); !st) return st;

  auto ips = auth->string_list("allow_ips");
  if (!ips) return ips.error();
  for (const auto& ip : *ips) {
    auto net = parse_ip_network(ip);
    if (!net) return auth->error("allow_ips", "has an invalid address or network '" + ip + "'");
    out.allow_.push_back(*net);
  }
  if (auth->has("allow_ips") && out.allow_.empty())
    return auth->error("allow_ips", "is empty (it would reject every request)");

  if (auth->has("basic")) {
    auto basic = auth->object("basic");
    if (!basic) return basic.error();
    if (auto st = basic->check_keys({"username", "password"}); !st) return st;
    auto user = basic->required_string("username");
    if (!user) return user.error();
    auto password = basic->required_string("password");
    if (!password) return password.error();
    if (user->find(':') != std::string::npos)
      return basic->error("username", "must not contain ':'");
    out.basic_user_ = *user;
    out.basic_password_ = *password;
  }

  auto secret = auth->string_or("path_secret", "");
  if (!secret) return secret.error();
  if (auth->has("path_secret")) {
    if (secret->size() < 16) return auth->error("path_secret", "must be at least 16 characters");
    for (unsigned char c : *secret)
      if (!(std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~'))
        return auth->error("path_secret", "may only contain A-Z a-z 0-9 - _ . ~");
    out.path_secret_ = *secret;
  }
  return out;
}

namespace {
// Whether every address of `inner` lies in `outer`.
bool network_within(const ip_network& inner, const ip_network& outer) {
  if (inner.prefix_bits < outer.prefix_bits) return false;
  int bits = outer.prefix_bits;
  for (int i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
    const std::uint8_t mask = bits >= 8 ? 0xff : static_cast<std::uint8_t>(0xff << (8 - bits));
    if ((inner.address[i] & mask) != (outer.address[i] & mask)) return false;
  }
  return true;
}
}  // namespace

bool inbound_auth::admits_this_host_only() const {
  if (basic_user_ || !path_secret_.empty() || allow_.empty()) return false;
  const auto& [v4, v6] = loopback_networks();
  return std::all_of(allow_.begin(), allow_.end(), [&v4 = v4, &v6 = v6](const ip_network& net) {
    return network_within(net, v4) || network_within(net, v6);
  });
}

core::status inbound_auth::check(const core::http_request& request) const {
  if (!allow_.empty() && relayed_by_proxy(request))
    return core::status::permission_denied(
        "the request came through a proxy (Forwarded, X-Forwarded-For or X-Real-IP), so its "
        "sender's address is unknown and allow_ips cannot admit it; authenticate it with "
        "auth.path_secret or auth.basic");
  if (!allow_.empty()) {
    bool allowed = false;
    for (const auto& net : allow_)
      allowed = allowed || ip_network_contains(net, request.remote_address);
    if (!allowed)
      return core::status::permission_denied("source address '" + request.remote_address +
                                             "' is not in allow_ips");
  }
  if (basic_user_) {
    // RFC 9110 11.1: the scheme name is case-insensitive ("basic" is Basic), and one or more
    // spaces separate it from the credentials.
    const auto credentials = request.credentials("Basic");
    std::string decoded;
    if (credentials.empty() || !core::base64_decode(credentials, decoded))
      return core::status::unauthenticated("basic authentication required");
    auto colon = decoded.find(':');
    if (colon == std::string::npos) return core::status::unauthenticated("malformed basic auth");
    // Evaluate both comparisons so the time does not tell which one failed.
    const bool user_ok = secrets_equal(decoded.substr(0, colon), *basic_user_);
    const bool password_ok = secrets_equal(decoded.substr(colon + 1), basic_password_);
    if (!(user_ok && password_ok))
      return core::status::unauthenticated("wrong basic auth username or password");
  }
  if (!path_secret_.empty()) {
    auto segs = segments(request.path());
    if (segs.size() < 2 || !is_kind(segs[segs.size() - 2]))
      return core::status::unauthenticated("path secret missing");
    auto given = core::url_decode(segs.back(), false);
    if (!given || !secrets_equal(*given, path_secret_))
      return core::status::unauthenticated("wrong path secret");
  }
  return core::status::ok();
}

std::string inbound_auth::callback_url(std::string_view public_base_url,
                                       std::string_view gateway_name, std::string_view kind) const {
  std::string base(public_base_url);
  while (!base.empty() && base.back() == '/') base.pop_back();
  std::string url =
      base + "/v1/gateways/" + core::url_encode(gateway_name) + "/" + std::string(kind);
  if (!path_secret_.empty()) url += "/" + path_secret_;
  return url;
}

}  // namespace tuki::adapters
