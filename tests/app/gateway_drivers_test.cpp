// Gateway options are checked by the drivers after the configuration is parsed; their errors
// still name the file, line and column of the option, and never quote a secret.
#include "tuki/app/gateway_drivers.hpp"

#include <catch2/catch.hpp>

using namespace tuki;

namespace {

config::env_lookup no_env() {
  return [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
}

// Parses `gateway` (one list item of gateways:, two-space indented) with an institution using
// it, and returns the drivers' verdict.
std::string driver_error(const std::string& gateway, const config::env_lookup& env = no_env()) {
  auto cfg = config::parse_config("public_url: https://tuki.example.fi\ngateways:\n" + gateway +
                                      "institutions:\n  - id: varia\n    gateway: g\n",
                                  "tuki.yaml", env);
  INFO(cfg.error().to_string());
  REQUIRE(cfg);
  CHECK(app::check_config(*cfg).message() == app::make_gateway_drivers(*cfg).error().message());
  return app::make_gateway_drivers(*cfg).error().message();
}

}  // namespace

TEST_CASE("gateway option errors name file, line, column, gateway and option", "[app][gateway]") {
  const std::string kannel = "  - name: g\n    type: kannel\n";
  struct row {
    std::string yaml;
    std::string expected;
  };
  std::vector<row> rows{
      {kannel + "    sendsms_url: http://127.0.0.1:13013/s\n    username: u\n",
       "tuki.yaml:3:5: gateway 'g': option 'password' is required"},
      {kannel + "    sendsms_url: http://127.0.0.1:13013/s\n    username: u\n    password: p\n"
                "    pasword: x\n",
       "tuki.yaml:8:14: gateway 'g': option 'pasword' is unknown (known: sendsms_url, username, "
       "password, dlr_mask, auth)"},
      {kannel + "    sendsms_url: http://kannel:s3cret@127.0.0.1:notaport/s\n    username: u\n"
                "    password: p\n",
       "tuki.yaml:5:18: gateway 'g': option 'sendsms_url' must be an http:// or https:// URL: the "
       "port must be a number between 1 and 65535"},
      {kannel + "    sendsms_url: http://127.0.0.1:13013/s\n    username: u\n    password: p\n"
                "    dlr_mask: 99\n",
       "tuki.yaml:8:15: gateway 'g': option 'dlr_mask' must be 0..31"},
      {kannel + "    sendsms_url: http://127.0.0.1:13013/s\n    username: u\n    password: p\n"
                "    auth:\n      allow_ips: [not-an-address]\n",
       "tuki.yaml:9:18: gateway 'g': option 'auth.allow_ips' has an invalid address or network "
       "'not-an-address'"},
      {"  - name: g\n    type: twilio\n    account_sid: [AC1]\n    auth_token: t0ken-s3cret\n",
       "tuki.yaml:5:18: gateway 'g': option 'account_sid' must be a string"},
      {"  - name: g\n    type: http_json\n    send:\n      method: POST\n    auth:\n"
       "      path_secret: Zq3-long_random.secret~1\n",
       "tuki.yaml:5:5: gateway 'g': option 'send.url' is required"},
      {"  - name: g\n    type: carrier-pigeon\n",
       "tuki.yaml:4:11: gateway 'g': unknown type 'carrier-pigeon' (known: console, gatewayapi, "
       "http_json, kannel, twilio)"},
      {"  - name: g\n    type: console\n    verbose: true\n",
       "tuki.yaml:5:14: gateway 'g': option 'verbose' is unknown (the console gateway takes no "
       "options)"},
  };
  for (const auto& r : rows) {
    INFO(r.yaml);
    auto message = driver_error(r.yaml);
    CHECK(message == r.expected);
    CHECK(message.find("s3cret") == std::string::npos);
  }
}

TEST_CASE("a kannel gateway without auth is refused unless tuki listens on loopback only",
          "[app][gateway]") {
  auto drivers = [](const std::string& listen) {
    auto cfg = config::parse_config(
        "http:\n  listen: \"" + listen +
            "\"\ngateways:\n  - name: g\n    type: kannel\n"
            "    sendsms_url: http://127.0.0.1:13013/s\n    username: u\n    password: p\n"
            "institutions:\n  - id: varia\n    gateway: g\n"
            "public_url: http://127.0.0.1:8080\n",  // 0.0.0.0 alone makes no link
        "tuki.yaml", no_env());
    INFO(cfg.error().to_string());
    REQUIRE(cfg);
    CHECK(app::check_config(*cfg).message() == app::make_gateway_drivers(*cfg).error().message());
    return app::make_gateway_drivers(*cfg);
  };
  auto open = drivers("0.0.0.0");
  REQUIRE_FALSE(open);
  CHECK(open.error().message() ==
        "tuki.yaml:4:5: gateway 'g': option 'auth' is required (tuki listens on 0.0.0.0, not on "
        "loopback only): Kannel signs nothing, so anyone who can reach the port could forge "
        "replies, STOPs and delivery reports; add auth.allow_ips (the smsbox host), "
        "auth.path_secret or auth.basic (docs/gateways.md)");
  CHECK_FALSE(drivers("::"));
  for (const char* listen : {"127.0.0.1", "::1"}) {
    INFO(listen);
    auto loopback = drivers(listen);
    REQUIRE(loopback);
    CHECK(loopback->at("g")->callbacks_unauthenticated());
  }
}

TEST_CASE("the console gateway is refused unless tuki listens on loopback only", "[app][gateway]") {
  auto drivers = [](const std::string& listen) {
    auto cfg = config::parse_config("http:\n  listen: \"" + listen +
                                        "\"\ngateways:\n  - name: console\n    type: console\n"
                                        "institutions:\n  - id: varia\n    gateway: console\n"
                                        "public_url: http://127.0.0.1:8080\n",
                                    "tuki.yaml", no_env());
    INFO(cfg.error().to_string());
    REQUIRE(cfg);
    return app::make_gateway_drivers(*cfg);
  };
  auto open = drivers("0.0.0.0");
  REQUIRE_FALSE(open);
  CHECK(open.error().message() ==
        "tuki.yaml:4:5: gateway 'console': the console gateway checks no sender, so it needs tuki "
        "to listen on loopback only (http.listen: 127.0.0.1 or ::1, not 0.0.0.0); use a real "
        "gateway (kannel, twilio, gatewayapi, http_json) anywhere else");
  CHECK_FALSE(drivers("192.0.2.10"));
  for (const char* listen : {"127.0.0.1", "127.0.0.2", "::1"}) {
    INFO(listen);
    CHECK(drivers(listen));
  }
}

TEST_CASE("a gateway option from the environment that the driver refuses names its variable",
          "[app][gateway]") {
  auto env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "KANNEL_SENDSMS_URL") return "http://127.0.0.1:notaport/s";
    if (name == "KANNEL_HOST") return "127.0.0.1:notaport";
    if (name == "GATEWAY_TYPE") return "carrier-pigeon";
    return std::nullopt;
  };
  const std::string kannel = "  - name: g\n    type: kannel\n";
  const std::string port_error =
      "gateway 'g': option 'sendsms_url' must be an http:// or https:// URL: the port must be a "
      "number between 1 and 65535";
  CHECK(driver_error(kannel + "    sendsms_url: ${KANNEL_SENDSMS_URL}\n    username: u\n"
                              "    password: p\n",
                     env) == "tuki.yaml:5:18: " + port_error + " (from ${KANNEL_SENDSMS_URL})");
  CHECK(driver_error("  - name: g\n    type: ${GATEWAY_TYPE}\n", env) ==
        "tuki.yaml:4:11: gateway 'g': unknown type 'carrier-pigeon' (known: console, gatewayapi, "
        "http_json, kannel, twilio) (from ${GATEWAY_TYPE})");
  // A password written beside the variable is not shown, in the note either.
  auto redacted = driver_error(kannel +
                                   "    sendsms_url: http://kannel:s3cret@${KANNEL_HOST}/s\n"
                                   "    username: u\n    password: p\n",
                               env);
  CHECK(redacted == "tuki.yaml:5:18: " + port_error + " (from http://kannel:***@${KANNEL_HOST}/s)");
  CHECK(redacted.find("s3cret") == std::string::npos);
  // The same value written in the file: nothing is added.
  CHECK(driver_error(kannel + "    sendsms_url: http://127.0.0.1:notaport/s\n    username: u\n"
                              "    password: p\n",
                     env) == "tuki.yaml:5:18: " + port_error);
}

TEST_CASE("gateway rate_limit and rate_burst are the outbox's, checked with the config",
          "[app][gateway]") {
  auto parse = [](const std::string& keys) {
    return config::parse_config("gateways:\n  - name: g\n    type: console\n" + keys +
                                    "institutions:\n  - id: varia\n    gateway: g\n",
                                "tuki.yaml", no_env());
  };
  auto ok = parse("    rate_limit: 0.5\n    rate_burst: 3\n");
  INFO(ok.error().to_string());
  REQUIRE(ok);
  CHECK(ok->gateways[0].rate_limit == 0.5);
  CHECK(ok->gateways[0].rate_burst == 3);
  CHECK(ok->gateways[0].options.empty());  // not passed to the driver, which takes no options
  CHECK(app::check_config(*ok).is_ok());
  auto bad = parse("    rate_limit: -1\n");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message() ==
        "tuki.yaml:4:17: gateways[0].rate_limit: must be a positive number (SMS segments per "
        "second), got '-1'");
}
