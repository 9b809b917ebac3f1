#include <catch2/catch.hpp>

#include <map>

#include "routing_test_support.hpp"
#include "tuki/core/routing/route.hpp"

using namespace tuki;
using namespace tuki::routing;
using tuki::routing::testing::utc;

namespace {

staff_member person(std::string email, std::vector<std::string> roles) {
  staff_member s;
  s.email = std::move(email);
  s.name = s.email.substr(0, s.email.find('@'));
  s.roles = std::move(roles);
  return s;
}

routing_rule rule(std::string category, std::vector<std::string> roles,
                  role_pick pick = role_pick::first_available) {
  routing_rule r;
  r.category = std::move(category);
  r.roles = std::move(roles);
  r.pick = pick;
  return r;
}

routing_rules counsellor_rules(choice_strategy strategy) {
  routing_rules rules;
  rules.strategy = strategy;
  rules.rules.push_back(rule("other", {"study_counsellor"}));
  return rules;
}

ticket_request other_request() {
  ticket_request r;
  r.category = "other";
  r.student.id = "s-1";
  return r;
}

const core::instant tuesday_noon = utc("2025-03-04T10:00:00Z");

}  // namespace

TEST_CASE("round robin over 1,000 tickets gives each of N staff floor or ceil of 1000/N",
          "[routing]") {
  for (int n : {1, 2, 3, 7, 13}) {
    CAPTURE(n);
    staff_directory staff;
    for (int i = 0; i < n; ++i) {
      REQUIRE(staff.add(person("c" + std::to_string(i) + "@x.fi", {"study_counsellor"})).is_ok());
    }
    const auto rules = counsellor_rules(choice_strategy::round_robin);
    routing_state state;
    std::map<std::string, int> counts;
    for (int t = 0; t < 1000; ++t) {
      auto d = route(rules, other_request(), staff, state, tuesday_noon);
      REQUIRE(d.is_ok());
      REQUIRE(d->assignees.size() == 1);
      ++counts[d->assignees.front().email];
      apply(state, *d);
    }
    REQUIRE(counts.size() == static_cast<std::size_t>(n));
    for (const auto& [email, count] : counts) {
      CAPTURE(email, count);
      CHECK(count >= 1000 / n);
      CHECK(count <= (1000 + n - 1) / n);
    }
  }
}

TEST_CASE("round robin stays fair for 100,000 tickets across two categories", "[routing]") {
  staff_directory staff;
  for (int i = 0; i < 4; ++i)
    REQUIRE(staff.add(
        person("c" + std::to_string(i) + "@x.fi", {"study_counsellor", "social_worker"})));
  auto rules = counsellor_rules(choice_strategy::round_robin);
  rules.rules.push_back(rule("life", {"social_worker"}));
  routing_state state;
  std::map<std::string, int> counts;
  for (int t = 0; t < 100000; ++t) {
    auto req = other_request();
    req.category = t % 2 ? "life" : "other";
    auto d = route(rules, req, staff, state, tuesday_noon);
    REQUIRE(d.is_ok());
    ++counts[d->assignees.front().email];
    apply(state, *d);
  }
  for (const auto& [email, count] : counts) {
    CAPTURE(email);
    CHECK(count == 25000);
  }
}

TEST_CASE("fewest_open picks the least loaded person; ties go to the smaller email", "[routing]") {
  staff_directory staff;
  for (auto e : {"b@x.fi", "a@x.fi", "c@x.fi"}) REQUIRE(staff.add(person(e, {"study_counsellor"})));
  const auto rules = counsellor_rules(choice_strategy::fewest_open);
  routing_state state;
  state.open_counts = {{"a@x.fi", 5}, {"b@x.fi", 2}, {"c@x.fi", 2}};
  auto d = route(rules, other_request(), staff, state, tuesday_noon);
  REQUIRE(d.is_ok());
  CHECK(d->assignees.front().email == "b@x.fi");
  apply(state, *d);
  CHECK(state.open_counts["b@x.fi"] == 3);
  d = route(rules, other_request(), staff, state, tuesday_noon);
  REQUIRE(d.is_ok());
  CHECK(d->assignees.front().email == "c@x.fi");

  // Filling up: 5 + 2 + 2 open and 9 new tickets end with 6 each.
  apply(state, *d);
  for (int i = 0; i < 7; ++i) {
    auto next = route(rules, other_request(), staff, state, tuesday_noon);
    REQUIRE(next.is_ok());
    apply(state, *next);
  }
  CHECK(state.open_counts["a@x.fi"] == 6);
  CHECK(state.open_counts["b@x.fi"] == 6);
  CHECK(state.open_counts["c@x.fi"] == 6);
}

TEST_CASE("absence: the backup chain is followed; an absent chain drops the person", "[routing]") {
  staff_directory staff;
  auto a = person("a@x.fi", {"study_counsellor"});
  auto b = person("b@x.fi", {"nurse"});
  auto c = person("c@x.fi", {"nurse"});
  const auto march = std::chrono::sys_days{std::chrono::year{2025} / 3 / 1};
  a.absences = {{march, march + std::chrono::days{10}}};
  a.backup_email = "B@x.fi";
  b.absences = {{march, march + std::chrono::days{3}}};
  b.backup_email = "c@x.fi";
  REQUIRE(staff.add(a));
  REQUIRE(staff.add(b));
  REQUIRE(staff.add(c));
  const auto rules = counsellor_rules(choice_strategy::round_robin);
  routing_state state;

  auto d = route(rules, other_request(), staff, state, utc("2025-03-02T10:00:00Z"));
  REQUIRE(d.is_ok());
  CHECK(d->assignees.front().email == "c@x.fi");  // a -> b (absent) -> c
  CHECK(d->assignees.front().via == "backup for a@x.fi");
  CHECK(d->assignees.front().role == "study_counsellor");

  d = route(rules, other_request(), staff, state, utc("2025-03-06T10:00:00Z"));
  REQUIRE(d.is_ok());
  CHECK(d->assignees.front().email == "b@x.fi");  // b is back

  d = route(rules, other_request(), staff, state, utc("2025-03-12T10:00:00Z"));
  REQUIRE(d.is_ok());
  CHECK(d->assignees.front().email == "a@x.fi");  // a is back
  CHECK(d->assignees.front().via.empty());
}

TEST_CASE("absence days are local: 23:30 in Helsinki is already the next day", "[routing]") {
  auto config = tuki::routing::testing::varia();
  ticket_request req;
  req.category = "life";
  req.student = {"s", "", "Kuokkala", "TVT22", "", "fi", ""};
  // Sanna is absent 2025-03-03..07 (local). 2025-03-02T22:30Z is 00:30 on 3 March in Helsinki.
  routing_state state;
  state.cursors.clear();
  std::vector<std::string> seen;
  for (int i = 0; i < 2; ++i) {
    auto d = route(config.rules, req, config.staff, state, utc("2025-03-02T22:30:00Z"));
    REQUIRE(d.is_ok());
    seen.push_back(d->assignees.front().email);
    apply(state, *d);
  }
  CHECK(seen == std::vector<std::string>{"sami.sosiaali@varia.fi", "sami.sosiaali@varia.fi"});
  routing_state fresh;
  seen.clear();
  for (int i = 0; i < 2; ++i) {
    auto d = route(config.rules, req, config.staff, fresh, utc("2025-03-02T21:30:00Z"));
    REQUIRE(d.is_ok());
    seen.push_back(d->assignees.front().email);
    apply(fresh, *d);
  }
  CHECK(seen == std::vector<std::string>{"sami.sosiaali@varia.fi", "sanna.sosiaali@varia.fi"});
}

TEST_CASE("fallback role, then the coordinator, then not_found", "[routing]") {
  routing_rules rules;
  rules.rules.push_back(rule("life", {"social_worker"}));
  ticket_request req = other_request();
  req.category = "life";

  staff_directory staff;
  REQUIRE(staff.add(person("opo@x.fi", {"study_counsellor"})));
  auto d = route(rules, req, staff, {}, tuesday_noon);
  REQUIRE(d.is_ok());
  CHECK(d->assignees.front().email == "opo@x.fi");
  CHECK(d->role == "study_counsellor");
  CHECK(d->rule_index == rule_none);
  CHECK_THAT(d->reason, Catch::Contains("fallback"));

  staff_directory empty;
  rules.institution.coordinator_email = "Boss@x.fi";
  d = route(rules, req, empty, {}, tuesday_noon);
  REQUIRE(d.is_ok());
  CHECK(d->assignees.front().email == "boss@x.fi");
  CHECK(d->role == "coordinator");

  rules.institution.coordinator_email.clear();
  d = route(rules, req, empty, {}, tuesday_noon);
  REQUIRE_FALSE(d.is_ok());
  CHECK(d.error().error_code() == core::status::code::not_found);
}

TEST_CASE("reassignment to a role routes to that role only", "[routing]") {
  const auto config = tuki::routing::testing::varia();
  ticket_request req;
  req.category = "studies";
  req.student = {"s", "", "Kuokkala", "TVT22", "", "fi", "anna.opettaja@varia.fi"};
  req.role = "psychologist";
  auto d = route(config.rules, req, config.staff, {}, utc("2025-03-04T08:00:00Z"));
  REQUIRE(d.is_ok());
  CHECK(d->role == "psychologist");
  CHECK(d->assignees.front().email == "paula.psykologi@varia.fi");
  CHECK_THAT(d->reason, Catch::Contains("role psychologist"));

  auto p = assign_to_person(config.staff, "Pekka.Psykologi@varia.fi", "psychologist");
  REQUIRE(p.is_ok());
  CHECK(p->assignees.front().name == "Pekka Psykologi");
  // Someone outside the directory: their language is not known, so "" (the institution's).
  auto outside = assign_to_person(config.staff, "vieras@varia.fi", "psychologist");
  REQUIRE(outside.is_ok());
  CHECK(outside->assignees.front().language.empty());
  CHECK_FALSE(assign_to_person(config.staff, "", "x").is_ok());
}

TEST_CASE("crisis with nobody on call goes to everyone in the roles at work, and the contact",
          "[routing]") {
  routing_rules rules;
  rules.institution.crisis_contact_email = "kriisi@x.fi";
  rules.rules.push_back(rule("crisis", {"nurse", "psychologist"}, role_pick::all_on_call));
  rules.rules.back().notify_crisis_contact = true;
  staff_directory staff;
  auto n = person("n@x.fi", {"nurse"});
  auto p = person("p@x.fi", {"psychologist"});
  working_slot day{
      {true, true, true, true, true, false, false}, std::chrono::hours(8), std::chrono::hours(16)};
  n.working_hours = {day};
  p.working_hours = {day};
  REQUIRE(staff.add(n));
  REQUIRE(staff.add(p));
  ticket_request req = other_request();
  req.category = "crisis";
  req.urgency = core::urgency::urgent;
  auto d = route(rules, req, staff, {}, tuesday_noon);
  REQUIRE(d.is_ok());
  REQUIRE(d->assignees.size() == 3);
  CHECK(d->assignees[0].email == "n@x.fi");
  CHECK(d->assignees[1].email == "p@x.fi");
  CHECK(d->assignees[2].email == "kriisi@x.fi");
  CHECK(d->assignees[2].role == "crisis_contact");

  // At night only the crisis contact is left.
  d = route(rules, req, staff, {}, utc("2025-03-04T23:00:00Z"));
  REQUIRE(d.is_ok());
  REQUIRE(d->assignees.size() == 1);
  CHECK(d->assignees[0].email == "kriisi@x.fi");
}

TEST_CASE("an own-teacher address that cannot be mailed gives way to the group's teachers",
          "[routing]") {
  staff_directory staff;
  auto group_teacher = person("ryhma@x.fi", {"teacher"});
  group_teacher.groups = {"AUT21"};
  REQUIRE(staff.add(group_teacher).is_ok());
  routing_rules rules;
  rules.rules.push_back(rule("studies", {"teacher"}));
  ticket_request req;
  req.category = "studies";
  req.student.id = "s-1";
  req.student.group = "AUT21";
  for (const char* own : {"oma@x.fi", "Kaisa <oma@x.fi>", "oma@x.fi, toinen@x.fi"}) {
    CAPTURE(own);
    req.student.teacher_email = own;
    routing_state state;
    auto d = route(rules, req, staff, state, tuesday_noon);
    REQUIRE(d);
    REQUIRE(d->assignees.size() == 1);
    const bool mailable = std::string(own) == "oma@x.fi";
    CHECK(d->assignees[0].email == (mailable ? "oma@x.fi" : "ryhma@x.fi"));
  }
}
