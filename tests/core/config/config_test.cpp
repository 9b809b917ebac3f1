#include "tuki/core/config/config.hpp"

#include <fstream>
#include <map>
#include <sstream>

#include <catch2/catch.hpp>

using namespace tuki::config;

namespace {

env_lookup fake_env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& k) -> std::optional<std::string> {
    auto it = vars.find(k);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const char* minimal = R"(gateways:
  - name: console
    type: console
institutions:
  - id: varia
    gateway: console
)";

}  // namespace

TEST_CASE("environment substitution", "[config]") {
  auto env = fake_env({{"PORT", "9090"}, {"EMPTY", ""}});
  CHECK(substitute_env("port ${PORT}", env).value() == "port 9090");
  CHECK(substitute_env("${MISSING:-var/tuki.db}", env).value() == "var/tuki.db");
  CHECK(substitute_env("${EMPTY:-fallback}", env).value() == "fallback");
  CHECK(substitute_env("${PORT:-1}${PORT}", env).value() == "90909090");
  CHECK(substitute_env("cost $$5 and $HOME", env).value() == "cost $5 and $HOME");
  auto missing = substitute_env("${SMTP_URL}", env);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message().find("SMTP_URL is not set") != std::string::npos);
  CHECK_FALSE(substitute_env("${PORT", env));
  CHECK_FALSE(substitute_env("${1BAD}", env));
}

TEST_CASE("an error in a value from the environment names the variable", "[config]") {
  auto env = fake_env({{"TUKI_LOG_LEVEL", "loud"}, {"TUKI_HTTP_PORT", "80a"}, {"CC", "fi"}});
  auto c = parse_config(std::string("log_level: ${TUKI_LOG_LEVEL:-info}\n"
                                    "http:\n  port: ${TUKI_HTTP_PORT}\n  listen: nowhere\n") +
                            minimal + "    country: ${CC}\n",
                        "t.yaml", env);
  REQUIRE_FALSE(c);
  const auto m = c.error().message();
  CHECK_THAT(m, Catch::Contains("t.yaml:1:12: log_level: must be debug, info, warn or error, got "
                                "'loud' (from ${TUKI_LOG_LEVEL:-info})"));
  CHECK_THAT(
      m, Catch::Contains("t.yaml:3:9: http.port: ") && Catch::Contains("(from ${TUKI_HTTP_PORT})"));
  CHECK_THAT(m, Catch::Contains("country: expected a two-letter ISO 3166 code such as FI, got "
                                "'fi' (from ${CC})"));
  // A value written in the file is shown as it is, with nothing added.
  CHECK_THAT(m, Catch::Contains("http.listen: must be an IP address such as 127.0.0.1, 0.0.0.0 "
                                "or ::, got 'nowhere'\n") ||
                    Catch::EndsWith("got 'nowhere'"));

  // A password written beside the variable is not shown in the note either.
  auto mail = parse_config(
      std::string("mail:\n  type: smtp\n  url: smtp://user:secret@${SMTP_HOST}\n") + minimal,
      "t.yaml", fake_env({{"SMTP_HOST", "host:notaport"}}));
  REQUIRE_FALSE(mail);
  CHECK_THAT(mail.error().message(),
             Catch::Contains("t.yaml:3:8: mail.url: the port must be a number between 1 and 65535 "
                             "in 'smtp://user:***@host:notaport' (from "
                             "smtp://user:***@${SMTP_HOST})"));
  CHECK_THAT(mail.error().message(), !Catch::Contains("secret"));
}

TEST_CASE("the shipped configurations load", "[config]") {
  auto env = fake_env({{"KANNEL_SENDSMS_URL", "http://127.0.0.1:13013/cgi-bin/sendsms"},
                       {"KANNEL_USERNAME", "u"}, {"KANNEL_PASSWORD", "p"},
                       {"SMTP_URL", "smtp://127.0.0.1:2525"}});
  for (std::string file : {"config/tuki.yaml", "config/examples/kannel.yaml"}) {
    INFO(file);
    auto c = parse_config(read_file(std::string(TUKI_SOURCE_DIR) + "/" + file), file, env);
    INFO(c.error().to_string());
    REQUIRE(c);
    REQUIRE(c->institutions.size() == 1);
    CHECK(c->institutions[0].country == "FI");
    CHECK(c->institutions[0].timezone == "Europe/Helsinki");
    CHECK(c->store.path == "var/tuki.db");
    CHECK(c->http.port == 8080);
    CHECK(c->public_url == "http://127.0.0.1:8080");
  }
}

TEST_CASE("defaults and environment reach typed settings", "[config]") {
  auto c = parse_config(std::string("http:\n  port: ${P:-8081}\nstore:\n  path: ${DB}\n") + minimal,
                        "t.yaml", fake_env({{"DB", "/tmp/x.db"}}));
  REQUIRE(c);
  CHECK(c->http.port == 8081);
  CHECK(c->store.path == "/tmp/x.db");
  CHECK(c->http.body_limit == 65536);
  CHECK(c->http.max_connections == 0);
  CHECK(c->mail.type == "file");
  CHECK(c->store.checkpoint_interval_ms == 1000);
  auto tuned = parse_config(
      std::string("store:\n  checkpoint_interval_ms: 250\nhttp:\n  max_connections: 300\n") +
          minimal,
      "t.yaml", fake_env({}));
  REQUIRE(tuned);
  CHECK(tuned->store.checkpoint_interval_ms == 250);
  CHECK(tuned->http.max_connections == 300);
  CHECK(c->outbox.request_timeout_ms == 15'000);
  CHECK(c->outbox.connect_timeout_ms == 5'000);
  auto timeouts = parse_config(
      std::string("outbox:\n  request_timeout_ms: 4000\n  connect_timeout_ms: 800\n") + minimal,
      "t.yaml", fake_env({}));
  REQUIRE(timeouts);
  CHECK(timeouts->outbox.request_timeout_ms == 4000);
  CHECK(timeouts->outbox.connect_timeout_ms == 800);
}

TEST_CASE("configuration errors name file, line, column, key and problem", "[config]") {
  auto env = fake_env({});
  struct row {
    std::string yaml;
    std::string expected;
  };
  std::vector<row> rows{
      {std::string("http:\n  port: 99999\n") + minimal,
       "t.yaml:2:9: http.port: must be between 0 and 65535, got 99999"},
      {std::string("http:\n  prot: 8080\n") + minimal,
       "t.yaml:2:3: http.prot: unknown key (did you mean 'port'?)"},
      {std::string("http:\n  colour: blue\n") + minimal, "t.yaml:2:3: http.colour: unknown key"},
      {std::string("store:\n  checkpoint_interval_ms: 0\n") + minimal,
       "t.yaml:2:27: store.checkpoint_interval_ms: must be between 10 and 60000, got 0"},
      {std::string("outbox:\n  request_timeout_ms: 90000\n") + minimal,
       "t.yaml:2:23: outbox.request_timeout_ms: must be between 100 and 60000, got 90000"},
      {std::string("outbox:\n  connect_timeout_ms: 5\n") + minimal,
       "t.yaml:2:23: outbox.connect_timeout_ms: must be between 100 and 60000, got 5"},
      {std::string("store:\n  path: ${TUKI_DB}\n") + minimal,
       "t.yaml:2:9: store.path: environment variable TUKI_DB is not set"},
      {"gateways:\n  - name: console\n    type: console\ninstitutions:\n  - id: varia\n"
       "    gateway: console\n    timezone: Europe/Helsinky\n",
       "t.yaml:7:15: institutions[0].timezone: unknown time zone 'Europe/Helsinky'"},
      {"gateways: []\ninstitutions:\n  - id: varia\n    gateway: kannel\n",
       "t.yaml:4:14: institutions[0].gateway: no gateway named 'kannel' is configured"},
      {"gateways: []\ninstitutions:\n  - id: varia\n    gateway: g\n    languages: [fi, de]\n",
       "institutions[0].languages[1]: unsupported language 'de'"},
      {"gateways: []\ninstitutions:\n  - id: varia\n    gateway: g\n    default_language: de\n",
       "t.yaml:5:23: institutions[0].default_language: unsupported language 'de'"},
      {"gateways: []\ninstitutions:\n  - id: varia\n    gateway: g\n    languages: [fi, sv]\n"
       "    default_language: en\n",
       "t.yaml:6:23: institutions[0].default_language: 'en' is not one of the institution's "
       "languages"},
      {"gateways: []\ninstitutions:\n  - id: varia\n    gateway: g\n"
       "    crisis_contact: not-an-email\n",
       "t.yaml:5:21: institutions[0].crisis_contact: is not an email address: 'not-an-email'"},
      {"gateways: []\ninstitutions:\n  - id: varia\n    gateway: g\n"
       "    sender: Vantaan ammattiopisto Varia\n",
       "t.yaml:5:13: institutions[0].sender: must be a phone number or at most 11 letters and "
       "digits, got 'Vantaan ammattiopisto Varia'"},
      {"gateways: []\ninstitutions:\n  - id: varia\n    gateway: g\n"
       "    sender: Ylöjärven AO1\n",
       "t.yaml:5:13: institutions[0].sender: must be a phone number or at most 11 letters and "
       "digits, got 'Ylöjärven AO1'"},
      {"gateways:\n  - name: g\n    type: console\ninstitutions:\n  - id: varia\n    gateway: g\n"
       "    sender: Varia\n  - id: omnia\n    gateway: g\n    sender: Omnia\n",
       "t.yaml:10:13: institutions[1].sender: 'Omnia' differs from 'Varia' of institution "
       "'varia' on the same gateway 'g': a gateway sends from one sender; give each sender a "
       "gateway entry of its own (the same account under another name)"},
      {"gateways:\n  - name: g\n    type: console\ninstitutions:\n  - id: varia\n    gateway: g\n"
       "    sender: Varia\n  - id: omnia\n    gateway: g\n",
       "t.yaml:9:14: institutions[1].sender: not set (the gateway's own) differs from 'Varia' "
       "of institution 'varia'"},
      {std::string("mail:\n  from: tuki at varia.test\n") + minimal,
       "t.yaml:2:9: mail.from: is not an email address: 'tuki at varia.test'"},
      {"gateways:\n  - name: kannel\n    type: console\n    rate_limit: 0.5\n"
       "    rate_burst: 0.5\ninstitutions:\n  - id: varia\n    gateway: kannel\n",
       "t.yaml:5:17: gateways[0].rate_burst: must be at least 1 (SMS segments; a smaller burst "
       "never lets a message through), got '0.5'"},
      {"gateways: []\n", "institutions: at least one institution is required"},
      {"http: [1, 2\n", "t.yaml:2:1: "},
      {std::string("mail:\n  type: smtp\n  url: http://x\n") + minimal,
       "t.yaml:3:8: mail.url: must start with smtp:// or smtps://"},
      {std::string("http:\n  listen: \"127.0.0.1:notaport\"\n") + minimal,
       "t.yaml:2:11: http.listen: must be an IP address such as 127.0.0.1, 0.0.0.0 or ::, got "
       "'127.0.0.1:notaport' (the port goes in http.port)"},
      {std::string("http:\n  listen: 999999\n") + minimal,
       "t.yaml:2:11: http.listen: must be an IP address such as 127.0.0.1, 0.0.0.0 or ::, got "
       "'999999'"},
      // A password in mail.url is never shown.
      {std::string("mail:\n  type: smtp\n  url: smtp://user:secret@host:notaport\n") + minimal,
       "t.yaml:3:8: mail.url: the port must be a number between 1 and 65535 in "
       "'smtp://user:***@host:notaport'"},
      {std::string("mail:\n  type: smtp\n  url: smtps//user:secret@host\n") + minimal,
       "t.yaml:3:8: mail.url: must start with smtp:// or smtps://, got 'smtps//user:***@host'"},
  };
  for (const auto& r : rows) {
    INFO(r.yaml);
    auto c = parse_config(r.yaml, "t.yaml", env);
    REQUIRE_FALSE(c);
    CHECK_THAT(c.error().message(), Catch::Contains(r.expected));
    CHECK_THAT(c.error().message(), !Catch::Contains("secret@"));
  }
}

TEST_CASE("http.listen takes IPv4 and IPv6 addresses", "[config]") {
  for (std::string listen : {"0.0.0.0", "127.0.0.1", "\"::\"", "\"::1\"", "\"fe80::1%lo\""}) {
    INFO(listen);
    auto c = parse_config("public_url: https://tuki.varia.fi\nhttp:\n  listen: " + listen + "\n" + minimal,
                          "t.yaml", fake_env({}));
    INFO(c.error().to_string());
    CHECK(c);
  }
  // Without public_url, links and callbacks use the listen address: an IPv6 one in brackets.
  for (auto [listen, url] : std::vector<std::pair<std::string, std::string>>{
           {"127.0.0.1", "http://127.0.0.1:8080"},
           {"\"::1\"", "http://[::1]:8080"},
           {"\"fe80::1%lo\"", "http://[fe80::1%25lo]:8080"}}) {
    auto c = parse_config("http:\n  listen: " + listen + "\n" + minimal, "t.yaml", fake_env({}));
    REQUIRE(c);
    CHECK(c->public_url == url);
  }
}

TEST_CASE("configuration keys are plain and unique, texts UTF-8", "[config]") {
  auto env = fake_env({});
  const std::string gateway = "gateways:\n  - name: console\n    type: console\n";
  const std::string institution = "institutions:\n  - id: varia\n    gateway: console\n";
  struct row {
    std::string yaml;
    std::string expected;
  };
  std::vector<row> rows{
      {"? [x, y]\n: 1\n" + std::string(minimal),
       "t.yaml:1:3: keys must be plain names, found a list"},
      {gateway + "    ? [x, y]\n    : 1\n" + institution,
       "t.yaml:4:7: gateways[0]: keys must be plain names, found a list"},
      {gateway + institution + "    ? {x: y}\n    : 1\n",
       "t.yaml:7:7: institutions[0]: keys must be plain names, found a map"},
      {gateway + institution + "    helpline:\n      fi: 116 111\n      ? [x, y]\n      : 1\n",
       "t.yaml:9:9: institutions[0].helpline: keys must be plain names, found a list"},
      {gateway + institution + "    ~: 1\n",
       "t.yaml:7:5: institutions[0]: keys must be plain names, found null"},
      {std::string(minimal) + "gateways: []\n",
       "t.yaml:7:1: duplicate key 'gateways' (first at line 1)"},
      {gateway + institution + "    sender: Varia\n    sender: Tuki\n",
       "t.yaml:8:5: institutions[0]: duplicate key 'sender' (first at line 7)"},
      {gateway + institution + "    helpline:\n      fi: 116 111\n      fi: 112\n",
       "t.yaml:9:7: institutions[0].helpline: duplicate key 'fi' (first at line 8)"},
      {gateway + institution + "    sender: \"Varia\xff\xfe\"\n",
       "t.yaml:7:13: institutions[0].sender: invalid UTF-8 in text (byte 0xFF at offset 5)"},
  };
  for (const auto& r : rows) {
    INFO(r.yaml);
    auto c = parse_config(r.yaml, "t.yaml", env);
    REQUIRE_FALSE(c);
    CHECK(c.error().message() == r.expected);
  }
}

TEST_CASE("a missing configuration file is an io error naming it", "[config]") {
  auto c = load_config("/nonexistent/tuki.yaml", fake_env({}));
  REQUIRE_FALSE(c);
  CHECK(c.error().error_code() == tuki::core::status::code::io_error);
  CHECK_THAT(c.error().message(), Catch::Contains("/nonexistent/tuki.yaml"));
}

TEST_CASE("routing, webhook, SLA and ticket settings", "[config][tickets]") {
  auto c =
      parse_config(std::string("routing_dir: /etc/tuki/routing\n"
                               "tickets:\n  link_ttl_hours: 48\n  sla_check_interval_ms: 250\n"
                               "gateways:\n  - name: console\n    type: console\n"
                               "institutions:\n  - id: varia\n    gateway: console\n"
                               "    routing_file: r/varia.yaml\n"
                               "    webhook:\n      url: https://hooks.example/x\n"
                               "      secret: ${HOOK}\n      format: teams\n"
                               "    sla:\n      remind_after: 2h\n      crisis_remind_after: 90s\n"
                               "      followup_after: 7d\n      escalate_repeat_after: 24h\n"
                               "      still_open_after: 3d\n"),
                   "t.yaml", fake_env({{"HOOK", "s3cret"}}));
  INFO(c.error().to_string());
  REQUIRE(c);
  CHECK(c->routing_dir == "/etc/tuki/routing");
  CHECK(c->tickets.link_ttl_hours == 48);
  CHECK(c->tickets.sla_check_interval_ms == 250);
  const auto& i = c->institutions.at(0);
  CHECK(i.routing_file == "r/varia.yaml");
  CHECK(i.webhook.url == "https://hooks.example/x");
  CHECK(i.webhook.secret == "s3cret");
  CHECK(i.webhook.format == "teams");
  CHECK(i.sla.remind_after_ms == std::optional<std::int64_t>(2 * 3'600'000));
  CHECK(i.sla.crisis_remind_after_ms == std::optional<std::int64_t>(90'000));
  CHECK(i.sla.followup_after_ms == std::optional<std::int64_t>(7LL * 86'400'000));
  CHECK(i.sla.escalate_repeat_after_ms == std::optional<std::int64_t>(24LL * 3'600'000));
  CHECK(i.sla.still_open_after_ms == std::optional<std::int64_t>(3LL * 86'400'000));
  CHECK_FALSE(i.sla.escalate_after_ms);

  auto d = parse_config(minimal, "t.yaml", fake_env({}));
  REQUIRE(d);
  CHECK(d->routing_dir == "config/routing");
  CHECK(d->tickets.link_ttl_hours == 14 * 24);
  CHECK(d->institutions.at(0).webhook.url.empty());

  struct row {
    std::string yaml, expected;
  };
  std::vector<row> rows{
      {std::string(minimal) + "    webhook:\n      url: ftp://x\n      secret: s\n",
       "institutions[0].webhook.url: must start with http:// or https://"},
      {std::string(minimal) +
           "    webhook:\n      url: https://x\n      secret: s\n      format: irc\n",
       "institutions[0].webhook.format: must be generic, teams or slack, got 'irc'"},
      {std::string(minimal) + "    webhook:\n      url: https://x\n",
       "institutions[0].webhook.secret"},
      {std::string(minimal) + "    sla:\n      remind_after: 2 hours\n",
       "institutions[0].sla.remind_after: expected a duration such as 90s"},
      {std::string(minimal) + "    sla:\n      remind: 2h\n",
       "institutions[0].sla.remind: unknown key (did you mean 'remind_after'?)"},
      {std::string(minimal) + "    sla:\n      crisis_escalate_after: 30s\n",
       "institutions[0].sla.crisis_escalate_after: must be at least 1m"},
      {std::string(minimal) + "    sla:\n      escalate_repeat_after: 30m\n",
       "institutions[0].sla.escalate_repeat_after: must be at least 1h"},
      {std::string(minimal) + "    sla:\n      still_open_after: 90s\n",
       "institutions[0].sla.still_open_after: must be at least 1h"},
      {std::string("tickets:\n  link_ttl_hours: 0\n") + minimal,
       "tickets.link_ttl_hours: must be between"},
  };
  for (const auto& r : rows) {
    INFO(r.yaml);
    auto e = parse_config(r.yaml, "t.yaml", fake_env({}));
    REQUIRE_FALSE(e);
    CHECK_THAT(e.error().message(), Catch::Contains(r.expected));
  }
}

TEST_CASE("a webhook with an empty secret is an error with its file and line", "[config][tickets]") {
  const std::string yaml = std::string(minimal) +
                           "    webhook:\n      url: https://hooks.example/x\n      secret: \"\"\n";
  auto e = parse_config(yaml, "t.yaml", fake_env({}));
  REQUIRE_FALSE(e);
  CHECK_THAT(e.error().message(),
             Catch::Contains("t.yaml:9:") && Catch::Contains("institutions[0].webhook.secret: must not be empty"));
  // An unset variable with an empty default is the same mistake.
  auto unset = parse_config(std::string(minimal) + "    webhook:\n      url: https://hooks.example/x\n"
                                                   "      secret: ${HOOK_SECRET:-}\n",
                            "t.yaml", fake_env({}));
  REQUIRE_FALSE(unset);
  CHECK_THAT(unset.error().message(), Catch::Contains("institutions[0].webhook.secret"));
}

TEST_CASE("a link secret that anyone can know is named as weak", "[config]") {
  CHECK(tuki::config::weak_secret_reason("").empty());  // no secret: no action links at all
  CHECK_THAT(tuki::config::weak_secret_reason("change-me-in-production"), Catch::Contains("placeholder"));
  CHECK_THAT(tuki::config::weak_secret_reason("short-key"), Catch::Contains("16 characters"));
  CHECK(tuki::config::weak_secret_reason("Zq3vN0-long_random.secret~1").empty());
}

TEST_CASE("public_url must be an absolute http(s) URL with a host, without query or fragment",
          "[config][public_url]") {
  auto env = fake_env({});
  struct row {
    std::string value, expected;
  };
  // The value starts at column 13 of line 1 ("public_url: ").
  std::vector<row> rows{
      {"tuki.varia.fi",
       "t.yaml:1:13: public_url: must be an absolute http:// or https:// URL such as "
       "https://tuki.example.fi, got 'tuki.varia.fi'"},
      {"/tuki", "t.yaml:1:13: public_url: must be an absolute http:// or https:// URL"},
      {"ftp://tuki.varia.fi",
       "t.yaml:1:13: public_url: must be an absolute http:// or https:// URL"},
      {"https://", "t.yaml:1:13: public_url: the host is missing in 'https://'"},
      {"https:///t", "t.yaml:1:13: public_url: the host is missing"},
      {"https://tuki.varia.fi:99999",
       "t.yaml:1:13: public_url: the port must be a number between 1 and 65535"},
      {"https://tuki.varia.fi/?a=1",
       "t.yaml:1:13: public_url: must not have a query ('?...') or a fragment ('#...'): links "
       "are made by appending paths to it, got 'https://tuki.varia.fi/?a=1'"},
      {"https://tuki.varia.fi#top", "t.yaml:1:13: public_url: must not have a query"},
      {"https://tuki:secret@tuki.varia.fi",
       "t.yaml:1:13: public_url: must not contain a user name or password (it goes into links "
       "in staff emails), got 'https://tuki:***@tuki.varia.fi'"},
  };
  for (const auto& r : rows) {
    INFO(r.value);
    auto c = parse_config("public_url: " + r.value + "\n" + minimal, "t.yaml", env);
    REQUIRE_FALSE(c);
    CHECK_THAT(c.error().message(), Catch::Contains(r.expected));
    CHECK_THAT(c.error().message(), !Catch::Contains("secret"));
  }
  // A trailing slash is fine: links are joined as public_url + "/t/...".
  for (std::string ok : {"https://tuki.varia.fi/", "https://tuki.varia.fi", "http://127.0.0.1:8080",
                         "https://varia.fi/tuki/", "\"http://[::1]:8080/\""}) {
    INFO(ok);
    auto c = parse_config("public_url: " + ok + "\n" + minimal, "t.yaml", env);
    INFO(c.error().to_string());
    REQUIRE(c);
    CHECK(c->public_url.back() != '/');
  }
  // Empty (the shipped configs' ${TUKI_PUBLIC_URL:-}) means http://<listen>:<port>.
  auto empty =
      parse_config("public_url: ${TUKI_PUBLIC_URL:-}\n" + std::string(minimal), "t.yaml", env);
  REQUIRE(empty);
  CHECK(empty->public_url == "http://127.0.0.1:8080");
}

TEST_CASE("the languages an institution's helpline has no text for", "[config]") {
  auto env = fake_env({});
  auto c = parse_config(
      "gateways:\n  - name: console\n    type: console\ninstitutions:\n"
      "  - id: varia\n    gateway: console\n    languages: [fi, sv, en, lt]\n"
      "    helpline:\n      fi: \"Soita 112\"\n      en: \"Call 112\"\n"
      "  - id: omnia\n    gateway: console\n"
      "    helpline:\n      fi: \"Soita 112\"\n",
      "t.yaml", env);
  INFO(c.error().to_string());
  REQUIRE(c);
  CHECK(languages_without_helpline(c->institutions[0]) == std::vector<std::string>{"sv", "lt"});
  CHECK(languages_without_helpline(c->institutions[1]).empty());  // no languages listed
}

TEST_CASE("a gateway name that would need URL encoding is refused, naming the gateway",
          "[config]") {
  auto env = fake_env({});
  auto with_name = [](const std::string& name) {
    return "gateways:\n  - name: " + name +
           "\n    type: console\ninstitutions:\n"
           "  - id: varia\n    gateway: " +
           name + "\n";
  };
  for (const std::string& name :
       std::vector<std::string>{"\"Elisa SMS\"", "elisa/sms", "elisa%20sms", "elisa?x", "\"\"",
                                "l\u00e4hetin", std::string(65, 'g')}) {
    INFO(name);
    auto c = parse_config(with_name(name), "t.yaml", env);
    REQUIRE_FALSE(c);
    CHECK_THAT(c.error().message(), Catch::StartsWith("t.yaml:2:11: gateways[0].name: gateway '"));
    CHECK_THAT(c.error().message(),
               Catch::Contains("a name must be 1-64 letters A-Z, digits and . _ ~ -"));
  }
  for (const std::string& name :
       std::vector<std::string>{"elisa", "Elisa-SMS_2.fi~x", std::string(64, 'g')}) {
    INFO(name);
    auto c = parse_config(with_name(name), "t.yaml", env);
    INFO(c.error().to_string());
    CHECK(c);
  }
}

TEST_CASE("a sender is counted in characters, not bytes", "[config]") {
  auto env = fake_env({});
  auto c = parse_config(
      "gateways:\n  - name: console\n    type: console\ninstitutions:\n"
      "  - id: varia\n    gateway: console\n    sender: Ylöjärvi AO\n",
      "t.yaml", env);
  INFO(c.error().to_string());
  REQUIRE(c);  // 11 characters, 13 bytes
  CHECK(c->institutions[0].sender == "Ylöjärvi AO");
}

TEST_CASE("mail: TLS is required unless the mail server is on this host or it is turned off",
          "[config]") {
  auto tls = [](const std::string& mail) {
    auto c = parse_config("mail:\n  type: smtp\n" + mail + minimal, "t.yaml", fake_env({}));
    INFO(c.error().to_string());
    REQUIRE(c);
    return c->mail.require_tls;
  };
  CHECK(tls("  url: smtp://mail.varia.test:587\n"));
  CHECK(tls("  url: smtp://10.0.0.5\n"));
  CHECK_FALSE(tls("  url: smtp://127.0.0.1:2525\n"));
  CHECK_FALSE(tls("  url: smtp://localhost:25\n"));
  CHECK_FALSE(tls("  url: smtp://[::1]:25\n"));
  CHECK_FALSE(tls("  url: smtp://mail.varia.test:587\n  require_tls: false\n"));
  CHECK(tls("  url: smtp://127.0.0.1:2525\n  require_tls: true\n"));
}

TEST_CASE("helpline texts take ${NAME} and a key that is no language is an error", "[config]") {
  const std::string head = "gateways:\n  - {name: console, type: console}\ninstitutions:\n"
                           "  - id: varia\n    gateway: console\n    helpline:\n";
  auto c = parse_config(head + "      fi: \"${HELPLINE_FI}\"\n      en: \"$$5 a call\"\n", "t.yaml",
                        fake_env({{"HELPLINE_FI", "Soita 112"}}));
  REQUIRE(c);
  // The crisis answer carries the number, never "${HELPLINE_FI}" as written.
  CHECK(c->institutions[0].helpline.at("fi") == "Soita 112");
  CHECK(c->institutions[0].helpline.at("en") == "$5 a call");

  auto bad = parse_config(head + "      fn: Soita 112\n", "t.yaml", fake_env({}));
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message() ==
        "t.yaml:7:7: institutions[0].helpline.fn: unsupported language 'fn' (supported: en, et, fi, lt, lv, sv)");
}

TEST_CASE("a value of digits keeps its text: a Kannel password with leading zeros", "[config]") {
  // config/examples/kannel.yaml's `password: ${KANNEL_PASSWORD}`, and a username written as is.
  auto c = parse_config(R"(gateways:
  - name: kannel
    type: kannel
    sendsms_url: http://127.0.0.1:13013/cgi-bin/sendsms
    username: 0451
    password: ${KANNEL_PASSWORD}
    dlr_mask: 31
institutions:
  - id: varia
    gateway: kannel
    sender: "0401234567"
)", "t.yaml", fake_env({{"KANNEL_PASSWORD", "007007"}}));
  REQUIRE(c);
  const auto& o = c->gateways[0].options;
  CHECK(o["password"] == "007007");  // not 7007: Kannel would refuse every SMS
  CHECK(o["username"] == "0451");
  CHECK(o["dlr_mask"] == 31);  // a number written as a number stays one
}

TEST_CASE("a wildcard http.listen without public_url is an error: links never point at 0.0.0.0",
          "[config]") {
  for (std::string listen : {"0.0.0.0", "\"::\"", "\"0:0::0\""}) {
    INFO(listen);
    auto c = parse_config("http:\n  listen: " + listen + "\n" + minimal, "t.yaml", fake_env({}));
    REQUIRE_FALSE(c);
    CHECK_THAT(c.error().message(),
               Catch::StartsWith("t.yaml:2:11: http.listen: ") &&
                   Catch::Contains(" takes every address but names none that staff and gateways "
                                   "can reach: set public_url (TUKI_PUBLIC_URL)"));
  }
  // From the environment, as README's TUKI_HTTP_LISTEN: the note names the variable.
  auto env = parse_config("http:\n  listen: ${TUKI_HTTP_LISTEN:-127.0.0.1}\n" + std::string(minimal),
                          "t.yaml", fake_env({{"TUKI_HTTP_LISTEN", "0.0.0.0"}}));
  REQUIRE_FALSE(env);
  CHECK_THAT(env.error().message(), Catch::EndsWith("(from ${TUKI_HTTP_LISTEN:-127.0.0.1})"));
  // A named address is one staff can reach; with public_url the wildcard is fine.
  auto named = parse_config("http:\n  listen: 192.0.2.10\n" + std::string(minimal), "t.yaml", fake_env({}));
  REQUIRE(named);
  CHECK(named->public_url == "http://192.0.2.10:8080");
  auto proxied = parse_config("public_url: https://tuki.varia.fi/\nhttp:\n  listen: 0.0.0.0\n" + std::string(minimal),
                              "t.yaml", fake_env({}));
  REQUIRE(proxied);
  CHECK(proxied->public_url == "https://tuki.varia.fi");
}

TEST_CASE("institutions written as a map is called a map, not missing", "[config]") {
  auto c = parse_config("gateways:\n  - {name: console, type: console}\ninstitutions:\n"
                        "  id: varia\n  gateway: console\n",
                        "t.yaml", fake_env({}));
  REQUIRE_FALSE(c);
  CHECK(c.error().message() == "t.yaml:4:3: institutions: expected a list of institutions (`- id: ...`)");
}
