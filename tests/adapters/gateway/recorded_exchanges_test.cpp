// Replays the recorded gateway exchanges under tests/data/gateways/<driver>/ (format:
// tests/data/gateways/README.md): the request a driver builds must equal the recorded one, a
// recorded gateway answer must classify as recorded, a recorded callback must authenticate and
// parse as recorded.
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tuki/adapters/gateway/inbound_auth.hpp"
#include "tuki/adapters/gateway/sms_gateway.hpp"

using namespace tuki::adapters;
using nlohmann::json;
namespace core = tuki::core;

namespace {

// Each driver directory is one generated run, so a failure names its driver.
std::string any_driver() {
  return GENERATE(as<std::string>{}, "twilio", "gatewayapi", "http_json");
}

json load(const std::string& driver, const std::string& file) {
  const std::string path =
      std::string(TUKI_SOURCE_DIR) + "/tests/data/gateways/" + driver + "/" + file;
  std::ifstream in(path);
  INFO("reading " << path);
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str());
}

std::unique_ptr<sms_gateway> gateway(const std::string& driver, const std::string& name) {
  const json all = load(driver, "gateways.json");
  INFO("gateway " << name);
  REQUIRE(all.contains(name));
  const json& g = all[name];
  gateway_settings s{name, g.at("type"), g.value("public_base_url", ""),
                     g.value("options", json())};
  if (g.contains("clock_unix_ms")) {
    const auto now = core::from_unix_ms(g["clock_unix_ms"].get<std::int64_t>());
    s.clock = [now] { return now; };
  }
  auto made = make_gateway(s);
  INFO(made.error().to_string());
  REQUIRE(made);
  return std::move(made).value();
}

std::vector<core::http_header> headers_of(const json& j) {
  std::vector<core::http_header> out;
  for (const auto& h : j) out.push_back({h.at(0).get<std::string>(), h.at(1).get<std::string>()});
  return out;
}

core::http_request request_of(const json& j) {
  core::http_request r;
  r.method = j.value("method", "POST");
  r.target = j.at("target");
  r.headers = headers_of(j.value("headers", json::array()));
  r.body = j.contains("body_json") ? j["body_json"].dump() : j.value("body", "");
  r.remote_address = j.value("remote_address", "");
  return r;
}

std::string outcome_name(send_outcome o) {
  switch (o) {
    case send_outcome::accepted:
      return "accepted";
    case send_outcome::retryable:
      return "retryable";
    case send_outcome::permanent:
      return "permanent";
    case send_outcome::opted_out:
      return "opted_out";
  }
  return "?";
}

std::string state_name(delivery_state s) {
  switch (s) {
    case delivery_state::accepted:
      return "accepted";
    case delivery_state::buffered:
      return "buffered";
    case delivery_state::delivered:
      return "delivered";
    case delivery_state::failed:
      return "failed";
  }
  return "?";
}

std::string header_text(const std::vector<core::http_header>& hs) {
  std::string s;
  for (const auto& h : hs) s += h.name + ": " + h.value + "\n";
  return s;
}

}  // namespace

TEST_CASE("recorded send requests are built exactly", "[gateway][recorded]") {
  const std::string driver = any_driver();
  {
    for (const auto& c : load(driver, "send.json")) {
      INFO(driver << ": " << c.at("name").get<std::string>());
      auto gw = gateway(driver, c.at("gateway"));
      const json& sms_j = c.at("sms");
      outbound_sms sms{sms_j.at("message_id"), sms_j.at("to"), sms_j.value("from", ""),
                       sms_j.at("text")};
      auto built = gw->build_send(sms);
      REQUIRE(built);
      const json& want = c.at("request");
      CHECK(built->method == want.at("method").get<std::string>());
      CHECK(built->target == want.at("target").get<std::string>());
      CHECK(header_text(built->headers) == header_text(headers_of(want.at("headers"))));
      if (want.contains("body_json")) {
        const json got = json::parse(built->body, nullptr, false);
        INFO("body: " << built->body);
        CHECK(got == want["body_json"]);
      } else {
        CHECK(built->body == want.at("body").get<std::string>());
      }
    }
  }
}

TEST_CASE("recorded gateway answers classify as recorded", "[gateway][recorded]") {
  const std::string driver = any_driver();
  {
    const json all = load(driver, "gateways.json");
    auto gw = gateway(driver, all.begin().key());
    for (const auto& c : load(driver, "responses.json")) {
      INFO(driver << ": " << c.at("name").get<std::string>());
      core::http_response resp{
          c.at("status"), c.value("content_type", "application/json"), c.value("body", ""), {}};
      auto r = gw->parse_send_response(resp, c.value("transport_error", ""));
      CHECK(outcome_name(r.outcome) == c.at("outcome").get<std::string>());
      if (c.contains("gateway_ref")) CHECK(r.gateway_ref == c["gateway_ref"].get<std::string>());
      if (c.contains("detail")) CHECK(r.detail == c["detail"].get<std::string>());
      // Our account or setup refused (the operator's to fix), not the recipient.
      CHECK(r.account_refused == c.value("account_refused", false));
    }
  }
}

TEST_CASE("recorded callbacks authenticate and parse as recorded", "[gateway][recorded]") {
  const std::string driver = any_driver();
  {
    for (const auto& c : load(driver, "callbacks.json")) {
      INFO(driver << ": " << c.at("name").get<std::string>());
      auto gw = gateway(driver, c.at("gateway"));
      const auto request = request_of(c.at("request"));
      const auto st = gw->authenticate(request);
      INFO("authenticate: " << st.to_string());
      REQUIRE(std::string(core::code_name(st.error_code())) == c.at("auth").get<std::string>());
      if (!st) continue;
      const auto kind = callback_kind_of(request);
      if (kind == callback_kind::inbound) {
        auto p = gw->parse_inbound(request);
        INFO("parse_inbound: " << p.error.http_status << " " << p.error.reason);
        if (c.contains("parse_error")) {
          CHECK_FALSE(p.value);
          CHECK(p.error.http_status == c["parse_error"].get<int>());
          continue;
        }
        REQUIRE(p.value);
        const json& want = c.at("inbound");
        CHECK(p.value->from == want.at("from").get<std::string>());
        CHECK(p.value->to == want.at("to").get<std::string>());
        CHECK(p.value->text == want.at("text").get<std::string>());
        CHECK(p.value->gateway_id == want.at("gateway_id").get<std::string>());
        if (want.contains("sent_at_unix_ms")) {
          REQUIRE(p.value->sent_at);
          CHECK(core::to_unix_ms(*p.value->sent_at) == want["sent_at_unix_ms"].get<std::int64_t>());
        }
      } else {
        REQUIRE(kind == callback_kind::dlr);
        auto p = gw->parse_dlr(request);
        INFO("parse_dlr: " << p.error.http_status << " " << p.error.reason);
        if (c.contains("parse_error")) {
          CHECK_FALSE(p.value);
          CHECK(p.error.http_status == c["parse_error"].get<int>());
          continue;
        }
        REQUIRE(p.value);
        const json& want = c.at("dlr");
        CHECK(p.value->message_id == want.at("message_id").get<std::int64_t>());
        CHECK(state_name(p.value->state) == want.at("state").get<std::string>());
        CHECK(p.value->opted_out == want.value("opted_out", false));
        if (want.contains("detail")) CHECK(p.value->detail == want["detail"].get<std::string>());
      }
    }
  }
}
