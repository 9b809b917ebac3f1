#include "tuki/core/routing/ticket_json.hpp"

#include <catch2/catch.hpp>

using namespace tuki;
using namespace tuki::routing;

namespace {

ticket sample() {
  ticket t;
  t.id = "42";
  t.student = {"s1", "Aino", "Tikkurila", "AUT21", "logistics", "fi", "teacher@varia.test"};
  t.category = "wellbeing";
  t.urgency = core::urgency::high;
  t.assignees = {{"a@varia.test", "Anna", "nurse", "sv", "b@varia.test", "backup for c@varia.test"},
                 {"k@varia.test", "", "crisis_contact", "en", "", ""}};
  t.role = "nurse";
  t.status = ticket_status::misrouted;
  t.history = {{core::from_unix_ms(1000), "created", "tuki", "rule 2"},
               {core::from_unix_ms(2000), "misrouted", "c@varia.test", "not mine"}};
  t.excluded = {"c@varia.test"};
  t.misroute_count = 1;
  t.created_at = core::from_unix_ms(1000);
  t.assigned_at = core::from_unix_ms(2000);
  t.acknowledged_at = core::from_unix_ms(3000);
  t.reminded_at = core::from_unix_ms(4000);
  t.followup_skipped = true;
  return t;
}

}  // namespace

TEST_CASE("a ticket survives its JSON form unchanged", "[routing][ticket_json]") {
  auto t = sample();
  auto back = ticket_from_json(nlohmann::json::parse(to_json(t).dump()));
  INFO(to_json(t).dump());
  REQUIRE(back);
  CHECK(*back == t);
  CHECK_FALSE(back->resolved_at);
  for (auto s : {ticket_status::new_ticket, ticket_status::opened, ticket_status::acknowledged,
                 ticket_status::resolved, ticket_status::reassigned, ticket_status::misrouted})
    CHECK(parse_ticket_status(to_string(s)) == s);
}

TEST_CASE("malformed ticket JSON is refused with the field named", "[routing][ticket_json]") {
  struct row {
    const char* field;
    nlohmann::json value;
    const char* expected;
  };
  std::vector<row> rows{
      {"status", "OPEN", "status"},
      {"urgency", "very", "urgency"},
      {"created_at", "yesterday", "created_at"},
      {"assignees", "a@b", "lists"},
      {"misroute_count", "one", "misroute_count"},
      {"student", 5, "student"},
  };
  for (const auto& r : rows) {
    INFO(r.field);
    auto j = to_json(sample());
    j[r.field] = r.value;
    auto t = ticket_from_json(j);
    REQUIRE_FALSE(t);
    CHECK_THAT(t.error().message(), Catch::Contains(r.expected));
  }
  CHECK_FALSE(ticket_from_json(nlohmann::json::array()));
}
