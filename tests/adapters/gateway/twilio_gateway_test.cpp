#include "tuki/adapters/gateway/twilio_gateway.hpp"

#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "tuki/adapters/gateway/twilio_signature.hpp"

using namespace tuki::adapters;
using nlohmann::json;
namespace core = tuki::core;

namespace {

json vectors() {
  std::ifstream in(std::string(TUKI_SOURCE_DIR) +
                   "/tests/data/gateways/vectors/twilio-signature.json");
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str());
}

core::form_fields params_of(const json& params) {
  core::form_fields out;
  for (const auto& [name, value] : params.items()) {
    if (value.is_array())
      for (const auto& v : value) out.emplace_back(name, v.get<std::string>());
    else
      out.emplace_back(name, value.get<std::string>());
  }
  return out;
}

json base_options() {
  return {{"account_sid", "AC00000000000000000000000000000001"},
          {"auth_token", "0123456789abcdef0123456789abcdef"},
          {"from", "+15005550006"}};
}

core::result<std::unique_ptr<sms_gateway>> make(json options,
                                                std::string base = "https://tuki.example.fi") {
  return make_gateway({"tw", "twilio", std::move(base), std::move(options)});
}

}  // namespace

TEST_CASE("twilio signature: every library vector, good and forged", "[gateway][twilio]") {
  const json all = vectors();
  REQUIRE(all.at("vectors").size() >= 18);
  for (const auto& v : all.at("vectors")) {
    const std::string name = v.at("name");
    INFO(name);
    const std::string token = v.at("auth_token");
    const std::string url = v.at("url");
    const std::string signature = v.at("signature");
    const auto params = params_of(v.at("params"));
    const bool valid = v.at("valid");
    CHECK(twilio_signature_valid(token, signature, url, params) == valid);
    // The wire form decodes to the same parameters (URLSearchParams encoding: '+' for space).
    if (v.contains("example_form_body")) {
      auto wire = core::parse_form(v["example_form_body"].get<std::string>());
      REQUIRE(wire);
      CHECK(twilio_signature_valid(token, signature, url, *wire) == valid);
    }
    if (valid) {
      const std::string signed_url = v.value("url_twilio_signed", url);
      CHECK(twilio_string_to_sign(signed_url, params) == v.at("string_to_sign").get<std::string>());
      CHECK(twilio_signature(token, signed_url, params) == signature);
    } else if (v.contains("expected_signature_for_these_inputs")) {
      CHECK(twilio_signature(token, url, params) ==
            v["expected_signature_for_these_inputs"].get<std::string>());
    }
  }
}

TEST_CASE("twilio signature: JSON-body vectors", "[gateway][twilio]") {
  const json all = vectors();
  REQUIRE(all.at("body_vectors").size() == 2);
  for (const auto& v : all.at("body_vectors")) {
    INFO(v.at("name").get<std::string>());
    CHECK(twilio_body_signature_valid(
              v.at("auth_token").get<std::string>(), v.at("signature").get<std::string>(),
              v.at("url").get<std::string>(),
              v.at("body").get<std::string>()) == v.at("valid").get<bool>());
  }
  // Without bodySHA256 in the URL there is nothing binding the body.
  CHECK_FALSE(twilio_body_signature_valid("12345", "a9nBmqA0ju/hNViExpshrM61xv4=",
                                          "https://mycompany.com/myapp.php?foo=1&bar=2", "{}"));
}

TEST_CASE("twilio signature: port variants", "[gateway][twilio]") {
  CHECK(url_without_port("https://h.example:8443/p?q=1") == "https://h.example/p?q=1");
  CHECK(url_with_default_port("https://h.example/p?q=1") == "https://h.example:443/p?q=1");
  CHECK(url_with_default_port("http://h.example/p") == "http://h.example:80/p");
  CHECK(url_with_default_port("https://h.example:8443/p") == "https://h.example:8443/p");
  CHECK(url_with_default_port("https://h.example") == "https://h.example:443");
  CHECK(url_without_port("https://[2001:db8::1]:8443/p") == "https://[2001:db8::1]/p");
  CHECK(url_with_default_port("https://[2001:db8::1]/p") == "https://[2001:db8::1]:443/p");
}

TEST_CASE("twilio: public_url_override validates what Twilio signed behind a proxy",
          "[gateway][twilio]") {
  const json all = vectors();
  const json* unicode = nullptr;
  for (const auto& v : all.at("vectors"))
    if (v.at("name") == "inbound-sms-unicode") unicode = &v;
  REQUIRE(unicode);
  core::http_request r;
  r.method = "POST";
  r.target = "/v1/gateways/tw/inbound";
  r.body = unicode->at("example_form_body");
  r.headers = {{"X-Twilio-Signature", unicode->at("signature")}};
  auto options = base_options();
  auto plain = make(options);
  REQUIRE(plain);
  CHECK((*plain)->authenticate(r).error_code() == core::status::code::unauthenticated);
  options["public_url_override"] = unicode->at("url");
  auto proxied = make(options);
  REQUIRE(proxied);
  CHECK((*proxied)->authenticate(r).is_ok());
  auto sms = (*proxied)->parse_inbound(r);
  REQUIRE(sms.value);
  CHECK(sms.value->text == "Hyvää päivää! Ąčęėįšųūž āēģīķļņ 👍");
  CHECK(sms.value->gateway_id == "SM0123456789abcdef0123456789abcdef");
  // A replay carries a valid signature: deduplication relies on the gateway id above.
  CHECK((*proxied)->authenticate(r).is_ok());
}

TEST_CASE("twilio: option errors name the gateway and the key", "[gateway][twilio]") {
  struct row {
    json options;
    const char* message;
  };
  auto without = [](const char* key) {
    auto o = base_options();
    o.erase(key);
    return o;
  };
  auto with = [](const char* key, json value) {
    auto o = base_options();
    o[key] = std::move(value);
    return o;
  };
  const row rows[] = {
      {without("account_sid"), "gateway 'tw': option 'account_sid' is required"},
      {without("auth_token"), "gateway 'tw': option 'auth_token' is required"},
      {without("from"), "gateway 'tw': option 'from' or 'messaging_service_sid' is required"},
      {with("account_sid", "AC/../x"), "gateway 'tw': option 'account_sid' may only contain"},
      {with("account_sid", 12), "gateway 'tw': option 'account_sid' must be a string"},
      {with("api_key_sid", "SK1"), "gateway 'tw': option 'api_key_secret' is required"},
      {with("base_url", "ftp://x"), "gateway 'tw': option 'base_url' must be an http:// or"},
      {with("public_url_override", "tuki.example.fi"),
       "gateway 'tw': option 'public_url_override' must be an http"},
      {with("acount_sid", "AC1"), "gateway 'tw': option 'acount_sid' is unknown"},
      {with("auth", {{"path_secret", "x"}}), "gateway 'tw': option 'auth.path_secret'"},
      {json::array(), "gateway 'tw': options must be a mapping"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.options.dump());
    auto g = make(r.options);
    REQUIRE_FALSE(g);
    CHECK(g.error().error_code() == core::status::code::invalid_argument);
    CHECK_THAT(g.error().message(), Catch::StartsWith(r.message));
  }
  auto no_base = make(base_options(), "");
  REQUIRE_FALSE(no_base);
  CHECK_THAT(no_base.error().message(), Catch::Contains("public_base_url is required"));
  CHECK(make(base_options()));
}

TEST_CASE("twilio: registered and answers empty TwiML", "[gateway][twilio]") {
  auto types = gateway_types();
  CHECK(std::find(types.begin(), types.end(), "twilio") != types.end());
  auto g = make(base_options());
  REQUIRE(g);
  auto ack = (*g)->acknowledge();
  CHECK(ack.status == 200);
  CHECK(ack.content_type == "text/xml");
  CHECK(ack.body == "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>");
  CHECK((*g)->name() == "tw");
}

TEST_CASE("twilio: a delivery failure of Twilio's own congestion is not the recipient's",
          "[gateway][twilio][delivery]") {
  auto g = make(base_options());
  REQUIRE(g);
  auto report = [&](std::string status, std::string code) {
    core::http_request r;
    r.method = "POST";
    r.target = "/v1/gateways/tw/dlr?msgid=5";
    r.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
    r.body =
        core::encode_form({{"MessageSid", "SM1"}, {"MessageStatus", status}, {"ErrorCode", code}});
    auto p = (*g)->parse_dlr(r);
    REQUIRE(p.value);
    return *p.value;
  };
  // 30001: Twilio's queue overflowed; 63018: a rate limit. Sent again, never counted.
  for (const char* code : {"30001", "63018"}) {
    CAPTURE(code);
    const auto d = report("undelivered", code);
    CHECK(d.state == delivery_state::failed);
    CHECK(d.gateway_congested);
  }
  // 30003 (the handset unreachable) and 30005 (an unknown number) are the recipient's.
  CHECK_FALSE(report("undelivered", "30003").gateway_congested);
  CHECK_FALSE(report("failed", "30005").gateway_congested);
  CHECK_FALSE(report("sent", "30001").gateway_congested);  // only with a failure
}

TEST_CASE("twilio: public_url_override is accepted only on the inbound webhook",
          "[gateway][twilio]") {
  const json all = vectors();
  const json* unicode = nullptr;
  for (const auto& v : all.at("vectors"))
    if (v.at("name") == "inbound-sms-unicode") unicode = &v;
  REQUIRE(unicode);
  auto options = base_options();
  options["public_url_override"] = unicode->at("url");
  auto g = make(options);
  REQUIRE(g);
  core::http_request r;
  r.method = "POST";
  r.body = unicode->at("example_form_body");
  r.headers = {{"X-Twilio-Signature", unicode->at("signature")}};
  r.target = "/v1/gateways/tw/inbound";
  CHECK((*g)->authenticate(r).is_ok());
  // Signed for the inbound URL, replayed on the status callback's path: refused.
  for (const char* target : {"/v1/gateways/tw/dlr?msgid=12345", "/v1/gateways/tw/dlr"}) {
    CAPTURE(target);
    r.target = target;
    CHECK((*g)->authenticate(r).error_code() == core::status::code::unauthenticated);
  }
}

TEST_CASE("twilio: a status callback without tuki's msgid is ignored, not refused",
          "[gateway][twilio][delivery]") {
  auto g = make(base_options());
  REQUIRE(g);
  core::http_request r;
  r.method = "POST";
  r.target = "/v1/gateways/tw/dlr";
  r.body = "MessageSid=SM1&MessageStatus=delivered";
  auto d = (*g)->parse_dlr(r);
  INFO(d.error.reason);
  REQUIRE(d.value);
  CHECK(d.value->message_id == 0);  // no message has it: answered 200 and ignored
  CHECK_FALSE(d.value->opted_out);
  // tuki's msgid mangled is still an error worth a warning, as is an unreadable body.
  r.target = "/v1/gateways/tw/dlr?msgid=x";
  CHECK((*g)->parse_dlr(r).error.http_status == 400);
  r.target = "/v1/gateways/tw/dlr?msgid=5";
  r.body = "MessageSid=SM1&MessageStatus=%ZZ";
  CHECK((*g)->parse_dlr(r).error.http_status == 400);
}

TEST_CASE("twilio: a malformed form body is unreadable (400), not unauthenticated",
          "[gateway][twilio]") {
  auto g = make(base_options());
  REQUIRE(g);
  core::http_request r;
  r.method = "POST";
  r.target = "/v1/gateways/tw/inbound";
  r.body = "From=%2B358401234567&Body=%ZZ";
  r.headers = {{"X-Twilio-Signature", "c2lnbmF0dXJl"}};
  const auto st = (*g)->authenticate(r);
  CHECK(st.error_code() == core::status::code::invalid_argument);
  CHECK(st.message() == "malformed form body");
  // Without a signature it is refused as before.
  r.headers.clear();
  CHECK((*g)->authenticate(r).error_code() == core::status::code::unauthenticated);
}

TEST_CASE("twilio: a keyword Twilio answered itself (OptOutType) is marked, others are not",
          "[gateway][twilio]") {
  auto gw = make(base_options());
  REQUIRE(gw);
  auto parse = [&](const std::string& body) {
    core::http_request r;
    r.method = "POST";
    r.target = "/v1/gateways/tw/inbound";
    r.body = body;
    auto sms = (*gw)->parse_inbound(r);
    REQUIRE(sms.value);
    return sms.value->keyword_answered;
  };
  const std::string base = "MessageSid=SM1&From=%2B358401234567&To=%2B358451111111&Body=";
  CHECK(parse(base + "Stop&OptOutType=STOP") == "stop");
  CHECK(parse(base + "start&OptOutType=START") == "start");
  CHECK(parse(base + "HELP&OptOutType=HELP") == "help");
  CHECK(parse(base + "STOP") == "");  // no Advanced Opt-Out: nothing says Twilio answered
  CHECK(parse(base + "lopeta&OptOutType=BOGUS") == "");
}
