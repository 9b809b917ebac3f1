#include "tuki/adapters/gateway/gatewayapi_gateway.hpp"

#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "tuki/core/crypto/hmac.hpp"
#include "tuki/core/crypto/jwt.hpp"

using namespace tuki::adapters;
using nlohmann::json;
namespace core = tuki::core;

namespace {

json jwt_vectors() {
  std::ifstream in(std::string(TUKI_SOURCE_DIR) +
                   "/tests/data/gateways/vectors/gatewayapi-webhook-jwt.json");
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str());
}

json base_options() {
  return {{"token", "gwapi-token-123"}, {"webhook_secret", "s3cret"}, {"sender", "Tuki"}};
}

// A request GatewayAPI signs with `secret` (HS256), the claims also as its JSON body.
core::http_request signed_request(const std::string& target, const json& claims,
                                  const std::string& secret) {
  const std::string head = core::base64url_encode(R"({"typ":"JWT","alg":"HS256"})") + "." +
                           core::base64url_encode(claims.dump());
  core::http_request r;
  r.method = "POST";
  r.target = target;
  r.body = claims.dump();
  r.headers = {
      {"X-Gwapi-Signature", head + "." + core::base64url_encode(core::hmac_sha256(secret, head))}};
  return r;
}

// 2026-11-23, after the vectors' expired token (exp 2023-11-14).
const core::instant now = core::from_unix_ms(1795355910000);

}  // namespace

TEST_CASE("gatewayapi JWT: every vector, good and forged", "[gateway][gatewayapi]") {
  const json all = jwt_vectors();
  REQUIRE(all.at("vectors").size() >= 12);
  for (const auto& v : all.at("vectors")) {
    const std::string name = v.at("name");
    INFO(name);
    auto claims =
        core::verify_jwt_hs256(v.at("token").get<std::string>(), v.at("secret").get<std::string>());
    INFO(claims.error().to_string());
    const bool accepted = claims && !core::jwt_expired(*claims, now);
    const auto& algorithms = v.at("verify_options").at("algorithms");
    if (algorithms == json::array({"HS256"})) {
      // Same verdict as jsonwebtoken with HS256 pinned (as GatewayAPI's examples do).
      CHECK(accepted == v.at("valid").get<bool>());
      if (accepted) CHECK(*claims == v.at("decoded_payload"));
    } else {
      // The vector allows HS384/HS512; tuki pins HS256 and refuses the HS512 token.
      CHECK(v.at("jwt_header").at("alg") == "HS512");
      CHECK_FALSE(claims);
    }
  }
}

TEST_CASE("gatewayapi JWT: refusals say why", "[gateway][gatewayapi]") {
  const json all = jwt_vectors();
  for (const auto& v : all.at("vectors")) {
    const std::string name = v.at("name");
    auto claims =
        core::verify_jwt_hs256(v.at("token").get<std::string>(), v.at("secret").get<std::string>());
    INFO(name << ": " << claims.error().to_string());
    if (name == "alg-none") CHECK_THAT(claims.error().message(), Catch::Contains("'none'"));
    if (name == "not-a-jwt") CHECK(claims.error().message() == "jwt malformed");
    if (name == "tampered-payload" || name == "gwapi-doc-dsn-wrong-secret")
      CHECK(claims.error().message() == "jwt signature does not match");
    if (!claims) CHECK(claims.error().error_code() == core::status::code::unauthenticated);
  }
  // The alg is the client's: the reason quotes at most 32 bytes of it, escaped (it is logged).
  const std::string alg = "\x1b[2J\r\nts=2026 level=error event=forged " + std::string(200, 'x');
  const auto forged =
      core::verify_jwt_hs256(core::base64url_encode(json{{"alg", alg}}.dump()) + ".e30.x", "k");
  REQUIRE_FALSE(forged);
  CHECK(forged.error().message() ==
        "jwt alg '\\x1b[2J\\r\\nts=2026 level=error event=...' not accepted (HS256 only)");
  CHECK_FALSE(core::verify_jwt_hs256("a.b", "k"));
  CHECK_FALSE(core::verify_jwt_hs256("a.b.c.d", "k"));
  CHECK_FALSE(core::verify_jwt_hs256("", "k"));
  // Padding or standard-alphabet characters are not base64url as JWTs use it.
  CHECK_FALSE(core::verify_jwt_hs256("eyJhbGciOiJIUzI1NiJ9.e30=.x", "k"));
}

TEST_CASE("jwt_expired honours exp only when present", "[gateway][gatewayapi]") {
  CHECK_FALSE(core::jwt_expired(json{{"id", 1}}, now));
  CHECK(core::jwt_expired(json{{"exp", 1795355910}}, now));
  CHECK_FALSE(core::jwt_expired(json{{"exp", 1795355911}}, now));
  CHECK(core::jwt_expired(json{{"exp", "soon"}}, now));
}

TEST_CASE("GSM 03.38 detection picks UCS2 for Baltic letters and emoji", "[gateway][gatewayapi]") {
  CHECK(is_gsm7_text("Hyvää päivää! Åland Öljy ÄÖ"));
  CHECK(is_gsm7_text("5 € {ok} [x] ~ | \\ ^"));
  CHECK(is_gsm7_text(""));
  CHECK_FALSE(is_gsm7_text("ačiū"));
  CHECK_FALSE(is_gsm7_text("Sveiki, kā jums klājas?"));
  CHECK_FALSE(is_gsm7_text("ok 👍"));
  CHECK_FALSE(is_gsm7_text("õ"));     // Estonian õ is not in GSM 03.38
  CHECK_FALSE(is_gsm7_text("\xc3"));  // truncated UTF-8
}

TEST_CASE("gatewayapi: option errors name the gateway and the key", "[gateway][gatewayapi]") {
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
      {without("token"), "gateway 'gw': option 'token' is required"},
      {without("webhook_secret"), "gateway 'gw': option 'webhook_secret' is required"},
      {without("sender"), "gateway 'gw': option 'sender' is required"},
      {with("sender", "TukiOppilaitos"), "gateway 'gw': option 'sender' must be at most 11"},
      {with("sender", "+3584012345678901"), "gateway 'gw': option 'sender' must be at most 11"},
      {with("max_parts", 0), "gateway 'gw': option 'max_parts' must be between 1 and 255"},
      {with("max_parts", "3"), "gateway 'gw': option 'max_parts' must be an integer"},
      {with("base_url", "gatewayapi.eu"), "gateway 'gw': option 'base_url' must be an http"},
      {with("secret", "x"), "gateway 'gw': option 'secret' is unknown"},
      {with("keyword", ""), "gateway 'gw': option 'keyword' must be one word of 1-32 letters"},
      {with("keyword", "tuki apu"), "gateway 'gw': option 'keyword' must be one word"},
      {with("keyword", "tukiä"), "gateway 'gw': option 'keyword' must be one word"},
      {with("keyword", 7), "gateway 'gw': option 'keyword' must be a string"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.options.dump());
    auto g = make_gateway({"gw", "gatewayapi", "https://tuki.example.fi", r.options});
    REQUIRE_FALSE(g);
    CHECK(g.error().error_code() == core::status::code::invalid_argument);
    CHECK_THAT(g.error().message(), Catch::StartsWith(r.message));
  }
  CHECK(make_gateway({"gw", "gatewayapi", "https://tuki.example.fi", base_options()}));
  CHECK(make_gateway(
      {"gw", "gatewayapi", "https://tuki.example.fi", with("sender", "+358401234567")}));
}

TEST_CASE("gatewayapi: a token with exp is refused without a clock", "[gateway][gatewayapi]") {
  const json all = jwt_vectors();
  for (const auto& v : all.at("vectors")) {
    if (v.at("name") != "expired-exp-claim") continue;
    auto options = base_options();
    options["webhook_secret"] = v.at("secret");
    auto g = make_gateway({"gw", "gatewayapi", "https://tuki.example.fi", options});
    REQUIRE(g);
    core::http_request r;
    r.target = "/v1/gateways/gw/dlr";
    r.method = "POST";
    r.headers = {{"X-Gwapi-Signature", v.at("token").get<std::string>()}};
    auto st = (*g)->authenticate(r);
    CHECK(st.error_code() == core::status::code::unauthenticated);
    CHECK_THAT(st.message(), Catch::Contains("no clock"));
  }
}

TEST_CASE("gatewayapi: a shared short code's keyword is dropped from the front of MO texts",
          "[gateway][gatewayapi]") {
  auto options = base_options();
  options["keyword"] = "Tuki";
  auto g = make_gateway({"gw", "gatewayapi", "https://tuki.example.fi", options});
  INFO(g.error().to_string());
  REQUIRE(g);
  auto text_of = [&](const std::string& message) {
    const json mo = {{"id", 1000001},
                     {"msisdn", 358401234567},
                     {"receiver", 1204},
                     {"message", message},
                     {"senttime", 1795355910}};
    auto p = (*g)->parse_inbound(signed_request("/v1/gateways/gw/inbound", mo, "s3cret"));
    INFO(p.error.reason);
    REQUIRE(p.value);
    return p.value->text;
  };
  CHECK(text_of("tuki STOP") == "STOP");
  CHECK(text_of("TUKI lopeta") == "lopeta");
  CHECK(text_of(" tuki  2") == "2");
  CHECK(text_of("tuki\nMoi, tarvitsen apua") == "Moi, tarvitsen apua");
  CHECK(text_of("tuki") == "");
  // Without the keyword as a word of its own, the text stays as it is.
  CHECK(text_of("STOP") == "STOP");
  CHECK(text_of("tukiSTOP") == "tukiSTOP");
  CHECK(text_of("en tuki STOP") == "en tuki STOP");
  CHECK(text_of("tuk") == "tuk");
  // Without `keyword` every text stays as it is.
  auto plain = make_gateway({"gw", "gatewayapi", "https://tuki.example.fi", base_options()});
  REQUIRE(plain);
  const json mo = {{"id", 1000002}, {"msisdn", 358401234567}, {"message", "tuki STOP"}};
  auto p = (*plain)->parse_inbound(signed_request("/v1/gateways/gw/inbound", mo, "s3cret"));
  REQUIRE(p.value);
  CHECK(p.value->text == "tuki STOP");
}
