#include "tuki/adapters/gateway/http_json_gateway.hpp"

#include <catch2/catch.hpp>

#include "tuki/core/crypto/hmac.hpp"

using namespace tuki::adapters;
using nlohmann::json;
namespace core = tuki::core;

namespace {

json base_options() {
  return {{"send", {{"url", "https://sms.example.com/send"}}},
          {"dlr", {{"status_map", {{"DELIVERED", "delivered"}, {"FAILED", "failed"}}}}},
          {"signature",
           {{"secret", "k3y"}, {"timestamp_header", "X-Timestamp"}, {"max_age_seconds", 300}}}};
}

}  // namespace

TEST_CASE("http_json: a replay outside the window is refused", "[gateway][http_json]") {
  core::instant now = core::from_unix_ms(1795355910000);
  gateway_settings s{"hj", "http_json", "https://tuki.example.fi", base_options()};
  s.clock = [&now] { return now; };
  auto g = make_gateway(s);
  REQUIRE(g);
  core::http_request r;
  r.method = "POST";
  r.target = "/v1/gateways/hj/inbound";
  r.body = R"({"from":"+358401234567","text":"Moi","id":"m1"})";
  const std::string ts = "1795355910";
  r.headers = {{"X-Timestamp", ts},
               {"X-Signature", core::hex_encode(core::hmac_sha256("k3y", ts + "." + r.body))}};
  CHECK((*g)->authenticate(r).is_ok());
  now += std::chrono::seconds(300);
  CHECK((*g)->authenticate(r).is_ok());  // the same request replayed at the edge of the window
  now += std::chrono::seconds(1);
  auto late = (*g)->authenticate(r);
  CHECK(late.error_code() == core::status::code::unauthenticated);
  CHECK_THAT(late.message(), Catch::Contains("window"));
  auto no_ts = r;
  no_ts.headers.erase(no_ts.headers.begin());
  now = core::from_unix_ms(1795355910000);
  CHECK((*g)->authenticate(no_ts).error_code() == core::status::code::unauthenticated);
  auto sms = (*g)->parse_inbound(r);
  REQUIRE(sms.value);
  CHECK(sms.value->gateway_id == "m1");  // within the window the store deduplicates on it
}

TEST_CASE("http_json: option errors name the gateway and the key", "[gateway][http_json]") {
  struct row {
    json options;
    const char* message;
  };
  auto edit = [](auto f) {
    auto o = base_options();
    f(o);
    return o;
  };
  const row rows[] = {
      {edit([](json& o) { o["send"].erase("url"); }),
       "gateway 'hj': option 'send.url' is required"},
      {edit([](json& o) { o["send"]["url"] = "sms.example.com"; }),
       "gateway 'hj': option 'send.url' must be an http"},
      {edit([](json& o) { o["send"]["method"] = "GET"; }),
       "gateway 'hj': option 'send.method' must be POST or PUT"},
      {edit([](json& o) {
         o["send"]["headers"] = {{"X-A", 1}};
       }),
       "gateway 'hj': option 'send.headers.X-A' must be a string"},
      {edit([](json& o) {
         o["send"]["headers"] = {{"X-A", "a\r\nInjected: 1"}};
       }),
       "gateway 'hj': option 'send.headers' has an invalid header 'X-A'"},
      {edit([](json& o) {
         o["send"]["fields"] = {{"recipient", "to"}};
       }),
       "gateway 'hj': option 'send.fields.recipient' is unknown"},
      {edit([](json& o) {
         o["send"]["fields"] = {{"to", ""}};
       }),
       "gateway 'hj': option 'send.fields.to' must not be empty"},
      {edit([](json& o) { o["send"]["response_id"] = "/data/~2x"; }),
       "gateway 'hj': option 'send.response_id' is not a valid JSON pointer"},
      {edit([](json& o) { o["dlr"].erase("status_map"); }),
       "gateway 'hj': option 'dlr.status_map' is required"},
      {edit([](json& o) { o["dlr"]["status_map"]["SENT"] = "sent"; }),
       "gateway 'hj': option 'dlr.status_map.SENT' must be accepted, buffered"},
      {edit([](json& o) { o["signature"].erase("secret"); }),
       "gateway 'hj': option 'signature.secret' is required"},
      {edit([](json& o) { o["signature"]["encoding"] = "hex64"; }),
       "gateway 'hj': option 'signature.encoding' must be hex or base64"},
      {edit([](json& o) { o["signature"]["max_age_seconds"] = 0; }),
       "gateway 'hj': option 'signature.max_age_seconds' must be between 1 and 86400"},
      {edit([](json& o) { o.erase("signature"); }),
       "gateway 'hj': option 'signature' or 'auth' is required"},
      {edit([](json& o) { o["callbacks"] = true; }), "gateway 'hj': option 'callbacks' is unknown"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.options.dump());
    gateway_settings s{"hj", "http_json", "https://tuki.example.fi", r.options};
    s.clock = [] { return core::from_unix_ms(0); };
    auto g = make_gateway(s);
    REQUIRE_FALSE(g);
    CHECK(g.error().error_code() == core::status::code::invalid_argument);
    CHECK_THAT(g.error().message(), Catch::StartsWith(r.message));
  }
  // A timestamp window needs the injected clock.
  auto no_clock = make_gateway({"hj", "http_json", "https://tuki.example.fi", base_options()});
  REQUIRE_FALSE(no_clock);
  CHECK_THAT(no_clock.error().message(),
             Catch::StartsWith("gateway 'hj': option 'signature.timestamp_header' needs a clock"));
  // auth alone is enough to start.
  auto o = base_options();
  o.erase("signature");
  o["auth"] = {{"path_secret", "0123456789abcdef"}};
  CHECK(make_gateway({"hj", "http_json", "https://tuki.example.fi", o}));
}

TEST_CASE("http_json: a body that does not fit the configured pointers is refused",
          "[gateway][http_json]") {
  auto o = base_options();
  o.erase("signature");
  o["auth"] = {{"path_secret", "0123456789abcdef"}};
  o["inbound"] = {{"fields", {{"from", "/sender/0/msisdn"}}}};
  auto g = make_gateway({"hj", "http_json", "https://tuki.example.fi", o});
  REQUIRE(g);
  core::http_request r;
  r.target = "/v1/gateways/hj/inbound/0123456789abcdef";
  for (const char* body : {R"({"sender":{"x":1},"text":"a"})", R"({"sender":[],"text":"a"})",
                           R"({"sender":"s","text":"a"})", "[1]", "not json", ""}) {
    CAPTURE(body);
    r.body = body;
    auto p = (*g)->parse_inbound(r);
    CHECK_FALSE(p.value);
    CHECK(p.error.http_status == 400);
  }
  r.body = R"({"sender":[{"msisdn":"+37060000001"}],"text":"Ačiū"})";
  auto p = (*g)->parse_inbound(r);
  REQUIRE(p.value);
  CHECK(p.value->from == "+37060000001");
  CHECK(p.value->text == "Ačiū");
}

TEST_CASE("http_json: a signed DLR takes ?msgid= only with tuki's own tag from the callback URL",
          "[gateway][http_json]") {
  auto o = base_options();
  o["signature"].erase("timestamp_header");  // no window: a captured request would work forever
  o["send"]["fields"] = {{"callback", "status_url"}};
  auto g = make_gateway({"hj", "http_json", "https://tuki.example.fi", o});
  INFO(g.error().to_string());
  REQUIRE(g);
  // The DLR URL tuki hands over with message 42, as the gateway calls it back.
  auto send = (*g)->build_send({42, "+358401234567", "Tuki", "Moi"});
  REQUIRE(send);
  const std::string url = json::parse(send->body).at("status_url");
  const std::string base = "https://tuki.example.fi";
  REQUIRE(url.starts_with(base + "/v1/gateways/hj/dlr?msgid=42&msgsig="));
  // A body without the id, the same for every message, and its valid signature.
  core::http_request r;
  r.method = "POST";
  r.target = url.substr(base.size());
  r.body = R"({"status":"FAILED"})";
  r.headers = {{"X-Signature", core::hex_encode(core::hmac_sha256("k3y", r.body))}};
  REQUIRE((*g)->authenticate(r).is_ok());
  auto own = (*g)->parse_dlr(r);
  REQUIRE(own.value);
  CHECK(own.value->message_id == 42);
  CHECK(own.value->state == delivery_state::failed);

  // Replayed for message 43: the body and its signature still pass, the id does not.
  auto replay = r;
  replay.target.replace(replay.target.find("msgid=42"), 8, "msgid=43");
  CHECK((*g)->authenticate(replay).is_ok());
  auto forged = (*g)->parse_dlr(replay);
  CHECK_FALSE(forged.value);
  CHECK(forged.error.http_status == 401);
  auto untagged = r;
  untagged.target = "/v1/gateways/hj/dlr?msgid=43";
  CHECK((*g)->parse_dlr(untagged).error.http_status == 401);

  // Without a signature (auth alone) the URL is all there is, and is taken as it is.
  o.erase("signature");
  o["auth"] = {{"path_secret", "0123456789abcdef"}};
  auto unsigned_gw = make_gateway({"hj", "http_json", "https://tuki.example.fi", o});
  REQUIRE(unsigned_gw);
  auto plain = (*unsigned_gw)->build_send({42, "+358401234567", "Tuki", "Moi"});
  CHECK(json::parse(plain->body).at("status_url") ==
        "https://tuki.example.fi/v1/gateways/hj/dlr/0123456789abcdef?msgid=42");
  untagged.target = "/v1/gateways/hj/dlr/0123456789abcdef?msgid=43";
  auto taken = (*unsigned_gw)->parse_dlr(untagged);
  REQUIRE(taken.value);
  CHECK(taken.value->message_id == 43);
}

TEST_CASE("http_json: tuki's ?msgid in the callback URL wins over an id in the DLR body",
          "[gateway][http_json]") {
  // The gateway's own message id in "id" (the default dlr.fields.id), as most JSON APIs name it.
  const std::string body = R"({"id": 7, "status": "FAILED"})";
  auto o = base_options();
  o["signature"].erase("timestamp_header");
  o["send"]["fields"] = {{"callback", "status_url"}};
  auto g = make_gateway({"hj", "http_json", "https://tuki.example.fi", o});
  INFO(g.error().to_string());
  REQUIRE(g);
  auto send = (*g)->build_send({42, "+358401234567", "Tuki", "Moi"});
  REQUIRE(send);
  const std::string base = "https://tuki.example.fi";
  core::http_request r;
  r.method = "POST";
  r.target = json::parse(send->body).at("status_url").get<std::string>().substr(base.size());
  r.body = body;
  r.headers = {{"X-Signature", core::hex_encode(core::hmac_sha256("k3y", r.body))}};
  REQUIRE((*g)->authenticate(r).is_ok());
  auto tagged = (*g)->parse_dlr(r);
  REQUIRE(tagged.value);
  CHECK(tagged.value->message_id == 42);
  // Without tuki's tag the URL's id does not count: the body's is all there is.
  auto untagged = r;
  untagged.target = "/v1/gateways/hj/dlr?msgid=42";
  auto from_body = (*g)->parse_dlr(untagged);
  REQUIRE(from_body.value);
  CHECK(from_body.value->message_id == 7);
  // No id in the URL (a DLR URL set at the gateway): the body's id, as before.
  auto bare = r;
  bare.target = "/v1/gateways/hj/dlr";
  REQUIRE((*g)->parse_dlr(bare).value);
  CHECK((*g)->parse_dlr(bare).value->message_id == 7);

  // With auth alone the URL's id is taken as it is, and wins too.
  o.erase("signature");
  o["auth"] = {{"allow_ips", {"127.0.0.1"}}};
  auto unsigned_gw = make_gateway({"hj", "http_json", "https://tuki.example.fi", o});
  REQUIRE(unsigned_gw);
  untagged.remote_address = "127.0.0.1";
  REQUIRE((*unsigned_gw)->authenticate(untagged).is_ok());
  auto taken = (*unsigned_gw)->parse_dlr(untagged);
  REQUIRE(taken.value);
  CHECK(taken.value->message_id == 42);
}
