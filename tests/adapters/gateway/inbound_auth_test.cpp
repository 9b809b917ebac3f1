#include "tuki/adapters/gateway/inbound_auth.hpp"

#include <catch2/catch.hpp>

#include "tuki/core/crypto/hmac.hpp"

using namespace tuki::adapters;
using tuki::core::http_request;
using code = tuki::core::status::code;

namespace {

inbound_auth make(const nlohmann::json& auth) {
  auto a = inbound_auth::from_options("k", {{"auth", auth}});
  INFO(a.error().message());
  REQUIRE(a);
  return *a;
}

http_request from(std::string ip, std::string target = "/v1/gateways/k/inbound") {
  http_request r;
  r.method = "POST";
  r.target = std::move(target);
  r.remote_address = std::move(ip);
  return r;
}

}  // namespace

TEST_CASE("IP networks: exact addresses and CIDR, v4 and v6", "[gateway][auth]") {
  struct row {
    const char* network;
    const char* address;
    bool inside;
  };
  const row rows[] = {
      {"192.0.2.10", "192.0.2.10", true},
      {"192.0.2.10", "192.0.2.11", false},
      {"198.51.100.0/24", "198.51.100.255", true},
      {"198.51.100.0/24", "198.51.101.0", false},
      {"10.0.0.0/8", "10.200.3.4", true},
      {"10.0.0.0/8", "11.0.0.0", false},
      {"0.0.0.0/0", "203.0.113.7", true},
      {"192.0.2.10", "::ffff:192.0.2.10", true},  // dual-stack socket
      {"198.51.100.0/25", "198.51.100.128", false},
      {"2001:db8::1", "2001:db8::1", true},
      {"2001:db8::1", "2001:db8::2", false},
      {"2001:db8::/32", "2001:db8:ffff::1", true},
      {"2001:db8::/32", "2001:db9::1", false},
      {"2001:db8:abcd:12::/63", "2001:db8:abcd:13::5", true},
      {"2001:db8:abcd:12::/64", "2001:db8:abcd:13::5", false},
      {"::/0", "fe80::1", true},
      {"2001:db8::/32", "192.0.2.1", false},
      {"192.0.2.0/24", "2001:db8::1", false},
      {"192.0.2.0/24", "not an address", false},
      {"192.0.2.0/24", "", false},
  };
  for (const auto& r : rows) {
    CAPTURE(r.network, r.address);
    auto net = parse_ip_network(r.network);
    REQUIRE(net);
    CHECK(ip_network_contains(*net, r.address) == r.inside);
  }
  for (const char* bad : {"192.0.2.0/33", "2001:db8::/129", "192.0.2.0/", "192.0.2.0/x",
                          "300.1.1.1", "example.com", "", "2001:db8::/-1"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_ip_network(bad));
  }
}

TEST_CASE("inbound auth: IP allowlist answers permission_denied", "[gateway][auth]") {
  auto a = make({{"allow_ips", {"35.241.147.191", "198.51.100.0/24", "2001:db8::/32"}}});
  CHECK(a.check(from("35.241.147.191")).is_ok());
  CHECK(a.check(from("198.51.100.77")).is_ok());
  CHECK(a.check(from("2001:db8:1::9")).is_ok());
  CHECK(a.check(from("35.241.147.192")).error_code() == code::permission_denied);
  CHECK(a.check(from("2001:db9::1")).error_code() == code::permission_denied);
  CHECK(a.check(from("")).error_code() == code::permission_denied);
}

TEST_CASE("inbound auth: a request through a proxy is never admitted by allow_ips",
          "[gateway][auth]") {
  // A reverse proxy on this host (TLS for public_url) relays anyone's request from 127.0.0.1.
  auto a = make({{"allow_ips", {"127.0.0.1"}}});
  CHECK(a.check(from("127.0.0.1")).is_ok());
  for (const char* header : {"X-Forwarded-For", "x-forwarded-for", "Forwarded", "X-Real-IP"}) {
    INFO(header);
    auto r = from("127.0.0.1");
    r.headers.push_back({header, "203.0.113.9"});
    auto st = a.check(r);
    CHECK(st.error_code() == code::permission_denied);
    CHECK_THAT(st.message(), Catch::Contains("came through a proxy"));
  }
  // A secret does not depend on the source address: through a proxy it still works.
  auto secret = make({{"path_secret", "Zq3-long_random.secret~1"}});
  auto r = from("127.0.0.1", "/v1/gateways/k/inbound/Zq3-long_random.secret~1");
  r.headers.push_back({"X-Forwarded-For", "203.0.113.9"});
  CHECK(secret.check(r).is_ok());
}

TEST_CASE("inbound auth: which configurations admit anything on this host", "[gateway][auth]") {
  CHECK(make({{"allow_ips", {"127.0.0.1"}}}).admits_this_host_only());
  CHECK(make({{"allow_ips", {"127.0.0.0/8", "::1"}}}).admits_this_host_only());
  CHECK(make({{"allow_ips", {"::ffff:127.0.0.1"}}}).admits_this_host_only());
  CHECK_FALSE(make({{"allow_ips", {"127.0.0.1", "10.0.0.5"}}}).admits_this_host_only());
  CHECK_FALSE(make({{"allow_ips", {"0.0.0.0/0"}}}).admits_this_host_only());
  CHECK_FALSE(make({{"allow_ips", {"::/0"}}}).admits_this_host_only());
  CHECK_FALSE(make({{"allow_ips", {"127.0.0.1"}}, {"path_secret", "Zq3-long_random.secret~1"}})
                  .admits_this_host_only());
  CHECK(url_host_is_loopback("http://127.0.0.1:8080"));
  CHECK(url_host_is_loopback("http://[::1]:8080/tuki"));
  CHECK(url_host_is_loopback("http://LocalHost:8080"));
  CHECK(url_host_is_loopback("http://127.0.0.1:0"));  // a test server before it is bound
  CHECK_FALSE(url_host_is_loopback("http://"));
  CHECK_FALSE(url_host_is_loopback("https://tuki.varia.fi"));
  CHECK_FALSE(url_host_is_loopback("http://192.0.2.10:8080"));
  CHECK_FALSE(url_host_is_loopback("not a url"));
}

TEST_CASE("inbound auth: basic auth answers unauthenticated", "[gateway][auth]") {
  auto a = make({{"basic", {{"username", "kannel"}, {"password", "pä55:word"}}}});
  auto with = [](std::string header) {
    auto r = from("192.0.2.1");
    r.headers.push_back({"Authorization", std::move(header)});
    return r;
  };
  using tuki::core::base64_encode;
  CHECK(a.check(with("Basic " + base64_encode("kannel:pä55:word"))).is_ok());
  CHECK(a.check(with("Basic " + base64_encode("kannel:pä55:wore"))).error_code() ==
        code::unauthenticated);
  CHECK(a.check(with("Basic " + base64_encode("kanne:pä55:word"))).error_code() ==
        code::unauthenticated);
  CHECK(a.check(with("Basic " + base64_encode("kannel"))).error_code() == code::unauthenticated);
  CHECK(a.check(with("Bearer " + base64_encode("kannel:pä55:word"))).error_code() ==
        code::unauthenticated);
  CHECK(a.check(with("Basic !!!")).error_code() == code::unauthenticated);
  // The scheme name is case-insensitive, and more than one space may follow it.
  CHECK(a.check(with("basic " + base64_encode("kannel:pä55:word"))).is_ok());
  CHECK(a.check(with("BASIC  " + base64_encode("kannel:pä55:word"))).is_ok());
  CHECK(a.check(with("basic " + base64_encode("kannel:pä55:wore"))).error_code() ==
        code::unauthenticated);
  CHECK(a.check(with("Basic ")).error_code() == code::unauthenticated);
  CHECK(a.check(with("Basic   ")).error_code() == code::unauthenticated);
  CHECK(a.check(with("Basically " + base64_encode("kannel:pä55:word"))).error_code() ==
        code::unauthenticated);
  CHECK(a.check(from("192.0.2.1")).error_code() == code::unauthenticated);
}

TEST_CASE("inbound auth: path secret on inbound and dlr", "[gateway][auth]") {
  auto a = make({{"path_secret", "Zq3-long_random.secret~1"}});
  CHECK(a.check(from("", "/v1/gateways/k/inbound/Zq3-long_random.secret~1")).is_ok());
  CHECK(a.check(from("", "/v1/gateways/k/dlr/Zq3-long_random.secret~1?msgid=4")).is_ok());
  CHECK(a.check(from("", "/v1/gateways/k/dlr/Zq3-long_random.secret~2")).error_code() ==
        code::unauthenticated);
  CHECK(a.check(from("", "/v1/gateways/k/inbound")).error_code() == code::unauthenticated);
  CHECK(a.check(from("", "/v1/gateways/k/inbound?s=Zq3-long_random.secret~1")).error_code() ==
        code::unauthenticated);
  CHECK(a.callback_url("https://tuki.example.fi/", "k", "dlr") ==
        "https://tuki.example.fi/v1/gateways/k/dlr/Zq3-long_random.secret~1");
  CHECK(inbound_auth{}.callback_url("https://tuki.example.fi", "k", "inbound") ==
        "https://tuki.example.fi/v1/gateways/k/inbound");
}

TEST_CASE("inbound auth: every configured check must pass", "[gateway][auth]") {
  auto a = make({{"allow_ips", {"192.0.2.0/24"}},
                 {"basic", {{"username", "u"}, {"password", "p"}}},
                 {"path_secret", "0123456789abcdef"}});
  auto r = from("192.0.2.5", "/v1/gateways/k/inbound/0123456789abcdef");
  r.headers.push_back({"authorization", "Basic " + tuki::core::base64_encode("u:p")});
  CHECK(a.check(r).is_ok());
  auto wrong_ip = r;
  wrong_ip.remote_address = "192.0.3.5";
  CHECK(a.check(wrong_ip).error_code() == code::permission_denied);
  auto no_secret = r;
  no_secret.target = "/v1/gateways/k/inbound";
  CHECK(a.check(no_secret).error_code() == code::unauthenticated);
  CHECK(inbound_auth{}.check(from("")).is_ok());
  CHECK(inbound_auth{}.empty());
}

TEST_CASE("inbound auth: option errors name the gateway and key", "[gateway][auth]") {
  struct row {
    nlohmann::json auth;
    const char* message;
  };
  const row rows[] = {
      {{{"allow_ips", {"192.0.2.0/40"}}},
       "gateway 'k': option 'auth.allow_ips' has an invalid address or network '192.0.2.0/40'"},
      {{{"allow_ips", "192.0.2.1"}},
       "gateway 'k': option 'auth.allow_ips' must be a list of strings"},
      {{{"allow_ips", nlohmann::json::array()}}, "gateway 'k': option 'auth.allow_ips' is empty"},
      {{{"basic", {{"username", "u"}}}}, "gateway 'k': option 'auth.basic.password' is required"},
      {{{"path_secret", "short"}}, "gateway 'k': option 'auth.path_secret' must be at least 16"},
      {{{"path_secret", "has/slash/0123456789"}},
       "gateway 'k': option 'auth.path_secret' may only"},
      {{{"allowips", {"192.0.2.1"}}}, "gateway 'k': option 'auth.allowips' is unknown"},
      {"yes", "gateway 'k': option 'auth' must be a mapping"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.auth.dump());
    auto a = inbound_auth::from_options("k", {{"auth", r.auth}});
    REQUIRE_FALSE(a);
    CHECK(a.error().error_code() == code::invalid_argument);
    CHECK_THAT(a.error().message(), Catch::StartsWith(r.message));
  }
}

TEST_CASE("callback kind is read from the path", "[gateway][auth]") {
  CHECK(callback_kind_of(from("", "/v1/gateways/k/inbound")) == callback_kind::inbound);
  CHECK(callback_kind_of(from("", "/v1/gateways/k/inbound/s3cr3t")) == callback_kind::inbound);
  CHECK(callback_kind_of(from("", "/v1/gateways/k/dlr?msgid=1")) == callback_kind::dlr);
  CHECK(callback_kind_of(from("", "/v1/gateways/k/dlr/s3cr3t?msgid=1")) == callback_kind::dlr);
  CHECK(callback_kind_of(from("", "/v1/gateways/k/other")) == callback_kind::unknown);
}
