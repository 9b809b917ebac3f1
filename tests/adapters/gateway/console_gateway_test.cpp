// The console gateway (the embedded default): replies arrive as query parameters or a form body.
#include <catch2/catch.hpp>

#include "tuki/adapters/gateway/sms_gateway.hpp"

using namespace tuki;
using namespace tuki::adapters;

namespace {

std::unique_ptr<sms_gateway> console() {
  gateway_settings s{"console", "console", "http://127.0.0.1:8080", {}};
  s.listen_address = "127.0.0.1";  // refused on any other (gateway_drivers_test)
  auto g = make_gateway(s);
  INFO(g.error().to_string());
  REQUIRE(g);
  return std::move(*g);
}

core::http_request request(std::string method, std::string target, std::string body = "") {
  core::http_request r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.body = std::move(body);
  return r;
}

}  // namespace

TEST_CASE("console: a reply by GET query or form POST, its id kept for deduplication",
          "[gateway][console]") {
  auto g = console();
  auto get = g->parse_inbound(
      request("GET", "/v1/gateways/console/inbound?from=%2B358401234567&text=kyl&id=m1"));
  REQUIRE(get.value);
  CHECK(get.value->from == "+358401234567");
  CHECK(get.value->text == "kyl");
  CHECK(get.value->gateway_id == "m1");
  auto post = g->parse_inbound(
      request("POST", "/v1/gateways/console/inbound", "from=%2B358401234567&text=hyv%C3%A4%C3%A4"));
  REQUIRE(post.value);
  CHECK(post.value->text == "hyvää");
  CHECK(post.value->gateway_id.empty());
}

TEST_CASE("console: a reply without from or text is a 400 that says how to send one",
          "[gateway][console]") {
  auto g = console();
  for (const auto& r : {request("GET", "/v1/gateways/console/inbound?text=kyl"),
                        request("GET", "/v1/gateways/console/inbound?from=%2B358401234567"),
                        request("POST", "/v1/gateways/console/inbound",
                                R"({"from":"+358401234567","text":"x"})")}) {
    auto p = g->parse_inbound(r);
    REQUIRE_FALSE(p.value);
    CHECK(p.error.http_status == 400);
    CHECK(p.error.reason ==
          "need 'from' and 'text' as query parameters (GET) or a form body (POST, "
          "application/x-www-form-urlencoded)");
  }
}

TEST_CASE("console: a request relayed by a proxy is refused, since the console checks no sender",
          "[gateway][console]") {
  auto g = console();
  auto direct = request("GET", "/v1/gateways/console/inbound?from=%2B358401234567&text=kyl");
  direct.remote_address = "127.0.0.1";
  CHECK(g->authenticate(direct).is_ok());
  auto relayed = direct;
  relayed.headers.push_back({"X-Forwarded-For", "203.0.113.9"});
  auto st = g->authenticate(relayed);
  CHECK(st.error_code() == core::status::code::permission_denied);
  CHECK_THAT(st.message(), Catch::Contains("came through a proxy"));
  CHECK(g->callbacks_trust_this_host());
}
