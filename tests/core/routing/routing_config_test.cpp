#include <date/tz.h>
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "routing_test_support.hpp"
#include "tuki/core/routing/route.hpp"

using namespace tuki;
using namespace tuki::routing;

namespace {

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string error_of(std::string_view yaml) {
  auto c = parse_routing_config(yaml, "r.yaml");
  return c.is_ok() ? std::string("<loaded>") : c.error().message();
}

}  // namespace

TEST_CASE("the built-in defaults equal config/routing/default.yaml", "[routing]") {
  CHECK(read(std::string(TUKI_SOURCE_DIR) + "/config/routing/default.yaml") ==
        std::string(default_routing_yaml()));
  const routing_config c = default_routing_config();
  CHECK(c.rules.fallback_role == "study_counsellor");
  CHECK(c.rules.strategy == choice_strategy::round_robin);
  REQUIRE(c.rules.rules.size() == 8);
  const auto& crisis = c.rules.rules[4];
  CHECK(crisis.category == "crisis");
  CHECK(crisis.pick == role_pick::all_on_call);
  CHECK(crisis.notify_crisis_contact);
  CHECK(crisis.roles == std::vector<std::string>{"psychologist", "nurse", "social_worker"});
  CHECK(c.rules.rules[0].roles == std::vector<std::string>{"special_needs_teacher", "teacher"});
  // "Did you get help?" answered no: a ticket of its own category (dialogs/followup.yaml).
  CHECK(c.rules.rules[7].category == "followup");
  CHECK(c.rules.rules[7].roles == std::vector<std::string>{"study_counsellor"});
  CHECK(c.sla.crisis_remind_after == std::chrono::minutes(30));
  CHECK(c.sla.escalate_after == std::chrono::hours(96));
  CHECK(c.sla.followup_after == std::chrono::days(14));
  CHECK(c.disengagement.unanswered_in_a_row == 2);
}

TEST_CASE("an institution without a routing file gets the defaults", "[routing]") {
  const std::string dir = std::string(TUKI_SOURCE_DIR) + "/config/routing";
  auto c = load_routing_for(dir, "no-such-school");
  REQUIRE(c.is_ok());
  CHECK(c->rules.institution.id == "no-such-school");
  CHECK(c->source == "<built-in default>");
  auto varia = load_routing_for(std::string(TUKI_SOURCE_DIR) + "/config/examples/routing", "varia");
  REQUIRE(varia.is_ok());
  CHECK_THAT(varia->source, Catch::EndsWith("varia.yaml"));
  CHECK(varia->rules.institution.crisis_contact_email.size() > 0);
  CHECK_FALSE(load_routing_for(dir, "../etc").is_ok());
}

TEST_CASE("routing file errors name file:line:column and the key path", "[routing]") {
  CHECK(error_of("tuki_routing: 2\n") == "r.yaml:1:15: tuki_routing: expected a whole number 1..1");
  CHECK(error_of("rules: []\n") ==
        "r.yaml:1:1: tuki_routing: missing; this file needs "
        "tuki_routing: 1");
  CHECK(error_of("tuki_routing: 1\nrules:\n  - category: x\n    roles: [a]\n  - category: y\n"
                 "    role: [b]\n") == "r.yaml:6:5: rules[1].role: unknown key");
  CHECK(error_of("tuki_routing: 1\nrules:\n  - category: x\n    roles: {a: 1}\n") ==
        "r.yaml:4:12: rules[0].roles: expected a list");
  CHECK(error_of("tuki_routing: 1\nrules:\n  - category: x\n    roles: [a]\n    pick: some\n") ==
        "r.yaml:5:11: rules[0].pick: expected first_available, pool or all_on_call");
  CHECK(error_of("tuki_routing: 1\nstaff:\n  - email: a@x.fi\n    working_hours:\n"
                 "      - {days: [mon, fri, sunday], from: \"08:00\", to: \"16:00\"}\n") ==
        "r.yaml:5:27: staff[0].working_hours[0].days[2]: expected a weekday mon..sun, got "
        "'sunday'");
  CHECK(error_of("tuki_routing: 1\nstaff:\n  - email: a@x.fi\n  - email: A@x.fi\n") ==
        "r.yaml:4:5: staff[1]: staff a@x.fi is listed twice");
  CHECK(error_of("tuki_routing: 1\nsla:\n  remind_after: 2 days\n") ==
        "r.yaml:3:17: sla.remind_after: expected a duration like 30m, 48h or 14d, got '2 days'");
  CHECK(error_of("tuki_routing: 1\ninstitution:\n  time_zone: Europe/Nowhere\n") ==
        "r.yaml:3:14: institution.time_zone: unknown time zone 'Europe/Nowhere'");
  // Addresses that cannot be mailed: a crisis contact among them would fail every crisis ticket.
  CHECK(error_of("tuki_routing: 1\ninstitution:\n  crisis_contact: kriisi at varia\n") ==
        "r.yaml:3:19: institution.crisis_contact: is not an email address: 'kriisi at varia'");
  CHECK(error_of("tuki_routing: 1\ninstitution:\n  coordinator: koordinaattori\n") ==
        "r.yaml:3:16: institution.coordinator: is not an email address: 'koordinaattori'");
  CHECK(error_of("tuki_routing: 1\nstaff:\n  - email: \"Kaisa <k@x.fi>\"\n") ==
        "r.yaml:3:12: staff[0].email: is not an email address: 'Kaisa <k@x.fi>'");
  CHECK(error_of("tuki_routing: 1\nstaff:\n  - {email: a@x.fi, backup: b}\n") ==
        "r.yaml:3:29: staff[0].backup: is not an email address: 'b'");
  CHECK_THAT(error_of("tuki_routing: 1\nrules: [\n"), Catch::StartsWith("r.yaml:"));
  // An unacknowledged crisis ticket is escalated again this often: not every few seconds.
  CHECK_THAT(error_of("tuki_routing: 1\nsla:\n  crisis_remind_after: 10s\n"
                      "  crisis_escalate_after: 30s\n"),
             Catch::StartsWith("r.yaml:") &&
                 Catch::Contains("sla.crisis_escalate_after: must be at least 1m"));
  // Both repeat until someone acts on the ticket: not every few minutes.
  CHECK_THAT(error_of("tuki_routing: 1\nsla:\n  escalate_repeat_after: 30m\n"),
             Catch::Contains("sla.escalate_repeat_after: must be at least 1h"));
  CHECK_THAT(error_of("tuki_routing: 1\nsla:\n  still_open_after: 10m\n"),
             Catch::Contains("sla.still_open_after: must be at least 1h"));
  auto ok = parse_routing_config(
      "tuki_routing: 1\nsla:\n  escalate_repeat_after: 24h\n  still_open_after: 10d\n", "r.yaml");
  REQUIRE(ok);
  CHECK(ok->sla.escalate_repeat_after == std::chrono::hours(24));
  CHECK(ok->sla.still_open_after == std::chrono::days(10));
}

TEST_CASE("role names that an action link cannot carry are refused where they are written",
          "[routing][roles]") {
  // Every staff email offers a reassign link to the fallback role: a role no link can carry
  // would fail the email, and with it the ticket and the student's answer (crisis ones too).
  const std::string rule =
      "' must be 1 to 64 of the characters A-Z a-z 0-9 _ - (action links carry role names), "
      "e.g. study_counsellor";
  CHECK(error_of("tuki_routing: 1\nfallback_role: työvalmentaja\n") ==
        "r.yaml:2:16: fallback_role: role 'työvalmentaja" + rule);
  CHECK(error_of("tuki_routing: 1\nrules:\n  - category: x\n    roles: [teacher, \"study "
                 "counsellor\"]\n") ==
        "r.yaml:4:22: rules[0].roles[1]: role 'study counsellor" + rule);
  CHECK(error_of("tuki_routing: 1\nrules:\n  - {category: x, roles: kuraattori/opo}\n") ==
        "r.yaml:3:26: rules[0].roles: role 'kuraattori/opo" + rule);
  CHECK(error_of("tuki_routing: 1\nstaff:\n  - {email: a@x.fi, roles: [teacher, \"\"]}\n") ==
        "r.yaml:3:38: staff[0].roles[1]: role '" + rule);
  CHECK(error_of("tuki_routing: 1\nfallback_role: " + std::string(65, 'r') + "\n") ==
        "r.yaml:2:16: fallback_role: role '" + std::string(65, 'r') + rule);
  // The longest, and every allowed character; an empty fallback role is none (the coordinator).
  auto ok = parse_routing_config("tuki_routing: 1\nfallback_role: " + std::string(64, 'r') +
                                     "\nrules:\n  - {category: x, roles: [Opo-2_b]}\n",
                                 "r.yaml");
  INFO(ok.error().to_string());
  REQUIRE(ok);
  CHECK(ok->rules.rules.at(0).roles == std::vector<std::string>{"Opo-2_b"});
  CHECK(error_of("tuki_routing: 1\nfallback_role: \"\"\n") == "<loaded>");
}

TEST_CASE("a routing file's public_url is checked like the configuration's",
          "[routing][public_url]") {
  CHECK(error_of("tuki_routing: 1\ninstitution:\n  public_url: tuki.varia.fi\n") ==
        "r.yaml:3:15: institution.public_url: must be an absolute http:// or https:// URL such as "
        "https://tuki.example.fi, got 'tuki.varia.fi'");
  CHECK(error_of("tuki_routing: 1\ninstitution:\n  public_url: https://tuki.varia.fi/?x=1\n") ==
        "r.yaml:3:15: institution.public_url: must not have a query ('?...') or a fragment "
        "('#...'): links are made by appending paths to it, got 'https://tuki.varia.fi/?x=1'");
  auto ok = tuki::routing::parse_routing_config(
      "tuki_routing: 1\ninstitution:\n  public_url: https://tuki.varia.fi/\n", "r.yaml");
  REQUIRE(ok);
  CHECK(ok->rules.institution.public_url == "https://tuki.varia.fi");
}

TEST_CASE("a full routing file loads every field", "[routing]") {
  const routing_config c = tuki::routing::testing::varia();
  CHECK(c.rules.institution.public_url == "https://tuki.varia.fi");
  CHECK(c.rules.institution.coordinator_email == "koordinaattori@varia.fi");
  CHECK(c.sla.coordinator_email == "koordinaattori@varia.fi");
  CHECK(c.rules.zone != nullptr);
  REQUIRE(c.rules.rules.size() == 8);
  CHECK(c.rules.rules[1].campus == std::optional<std::string>("Palokka"));
  CHECK_THAT(c.rules.rules[1].where, Catch::EndsWith("varia.yaml:15:5"));
  const staff_member* anna = c.staff.find("anna.opettaja@VARIA.fi");
  REQUIRE(anna != nullptr);
  CHECK(anna->groups == std::vector<std::string>{"TVT22"});
  REQUIRE(anna->working_hours.size() == 1);
  CHECK(anna->working_hours[0].from == std::chrono::hours(8));
  CHECK(anna->working_hours[0].days[4]);
  CHECK_FALSE(anna->working_hours[0].days[5]);
  const staff_member* sanna = c.staff.find("sanna.sosiaali@varia.fi");
  REQUIRE(sanna != nullptr);
  CHECK(sanna->backup_email == "sami.sosiaali@varia.fi");
  REQUIRE(sanna->absences.size() == 1);
  CHECK(c.staff.holders("teacher").size() == 4);
}

TEST_CASE("a routing file without a time zone leaves it unset, for the institution's own",
          "[routing][time_zone]") {
  auto c = parse_routing_config("tuki_routing: 1\n", "r.yaml");
  REQUIRE(c);
  CHECK(c->rules.institution.time_zone.empty());
  CHECK(c->rules.zone == nullptr);
  auto stockholm = parse_routing_config(
      "tuki_routing: 1\ninstitution:\n  time_zone: Europe/Stockholm\n", "r.yaml");
  REQUIRE(stockholm);
  REQUIRE(stockholm->rules.zone != nullptr);
  CHECK(stockholm->rules.zone->name() == "Europe/Stockholm");
}

TEST_CASE("the example config/examples/routing/varia.yaml loads", "[routing]") {
  auto c = load_routing_file(std::string(TUKI_SOURCE_DIR) + "/config/examples/routing/varia.yaml");
  INFO(c.error().to_string());
  REQUIRE(c.is_ok());
  CHECK(c->staff.size() > 0);
}

TEST_CASE("a routing file reports a mistake in every section, rule and staff entry at once",
          "[routing]") {
  // Two typos (report item 7): both are named in one run, in file order.
  CHECK(error_of("tuki_routing: 1\n"
                 "strategy: fewest_opne\n"
                 "rules:\n"
                 "  - category: studies\n"
                 "    roles: [teacher]\n"
                 "  - category: life\n"
                 "    roles: [social_worker]\n"
                 "    pik: pool\n"
                 "staff:\n"
                 "  - email: a@x.fi\n"
                 "    roles: [työvalmentaja]\n"
                 "sla:\n"
                 "  remind_after: 2 days\n"
                 "fallbak_role: teacher\n") ==
        "r.yaml:2:11: strategy: expected round_robin or fewest_open\n"
        "r.yaml:8:5: rules[1].pik: unknown key\n"
        "r.yaml:11:13: staff[0].roles[0]: role 'työvalmentaja' must be 1 to 64 of the characters "
        "A-Z a-z 0-9 _ - (action links carry role names), e.g. study_counsellor\n"
        "r.yaml:13:17: sla.remind_after: expected a duration like 30m, 48h or 14d, got '2 days'\n"
        "r.yaml:14:1: fallbak_role: unknown key");
  // Inside one rule only its first mistake: a misspelt `roles` would also make it lack roles.
  CHECK(error_of("tuki_routing: 1\nrules:\n  - category: x\n    role: [a]\n") ==
        "r.yaml:4:5: rules[0].role: unknown key");
}
