#include <yaml-cpp/yaml.h>

#include <catch2/catch.hpp>

#include "routing_test_support.hpp"
#include "tuki/core/routing/route.hpp"

using namespace tuki;
using namespace tuki::routing;
using tuki::routing::testing::utc;

namespace {

std::string field(const YAML::Node& n, const char* key) {
  return n[key] ? n[key].as<std::string>() : std::string();
}

std::vector<std::string> emails(const routing_decision& d) {
  std::vector<std::string> out;
  for (const auto& a : d.assignees) out.push_back(a.email);
  return out;
}

}  // namespace

TEST_CASE("routing table: tests/data/routing/cases.yaml against varia.yaml", "[routing]") {
  const routing_config config = tuki::routing::testing::varia();
  const YAML::Node cases = YAML::LoadFile(tuki::routing::testing::data_path("cases.yaml"));
  REQUIRE(cases.size() >= 15);
  for (const auto& c : cases) {
    const std::string name = c["name"].as<std::string>();
    INFO("case: " << name);
    const YAML::Node r = c["request"];
    ticket_request req;
    req.category = field(r, "category");
    req.urgency = core::parse_urgency(r["urgency"] ? field(r, "urgency") : "normal").value();
    req.student = {"s-1", "Student", field(r, "campus"), field(r, "group"),
                   "",    "fi",      field(r, "teacher")};
    if (r["excluded"]) req.excluded = r["excluded"].as<std::vector<std::string>>();
    const core::instant now = utc(field(c, "now"));

    routing_state state;
    auto d = route(config.rules, req, config.staff, state, now);
    REQUIRE(d.is_ok());
    INFO("reason: " << d->reason);
    CHECK(emails(*d) == c["expect"].as<std::vector<std::string>>());
    CHECK(d->rule_index == c["rule"].as<int>());

    if (c["sequence"]) {
      routing_state seq_state;
      std::vector<std::string> got;
      for (std::size_t i = 0; i < c["sequence"].size(); ++i) {
        auto next = route(config.rules, req, config.staff, seq_state, now);
        REQUIRE(next.is_ok());
        got.push_back(next->assignees.front().email);
        apply(seq_state, *next);
      }
      CHECK(got == c["sequence"].as<std::vector<std::string>>());
    }
  }
}
