// route_not_mine(): a shared crisis ticket stays with the others; a crisis ticket is never handed
// down to the fallback role or the coordinator; an ordinary ticket is routed again.
#include "tuki/core/routing/not_mine.hpp"

#include <catch2/catch.hpp>

#include "routing_test_support.hpp"

using namespace tuki;
using namespace tuki::routing;
using tuki::routing::testing::utc;

namespace {

const core::instant day = utc("2025-03-04T08:00:00Z");  // Tuesday 10:00 in Helsinki

ticket_request crisis_request() {
  ticket_request r;
  r.category = "crisis";
  r.urgency = core::urgency::urgent;
  r.student = {"s-1", "Sini", "Kuokkala", "TVT22", "", "fi", ""};
  return r;
}

// A crisis ticket routed at `day` by the test institution, its staff told.
ticket notified_crisis(const routing_config& config) {
  auto first = route(config.rules, crisis_request(), config.staff, {}, day);
  REQUIRE(first);
  ticket t = make_ticket("T1", crisis_request(), *first, day);
  REQUIRE(mark_notified(t, day).is_ok());
  return t;
}

std::vector<std::string> emails(const std::vector<assignee>& as) {
  std::vector<std::string> out;
  for (const auto& a : as) out.push_back(a.email);
  return out;
}

}  // namespace

TEST_CASE("not mine on a shared crisis ticket: the others keep it, nobody new is added",
          "[routing][not_mine]") {
  const auto config = tuki::routing::testing::varia();
  ticket t = notified_crisis(config);
  REQUIRE(emails(t.assignees) == std::vector<std::string>{"niina.hoitaja@varia.fi",
                                                          "paula.psykologi@varia.fi",
                                                          "sami.sosiaali@varia.fi",
                                                          "kriisi@varia.fi"});
  const auto role = t.role;
  const auto later = day + std::chrono::minutes(10);

  auto d = route_not_mine(config.rules, t, "Paula.Psykologi@varia.fi", config.staff, {}, later);
  REQUIRE(d);
  CHECK(d->assignees.empty());
  REQUIRE(mark_misrouted(t, "paula.psykologi@varia.fi", *d, later).is_ok());
  CHECK(emails(t.assignees) == std::vector<std::string>{"niina.hoitaja@varia.fi",
                                                        "sami.sosiaali@varia.fi",
                                                        "kriisi@varia.fi"});
  CHECK(t.role == role);                       // not the fallback role study_counsellor
  CHECK(t.status == ticket_status::opened);    // nobody new to notify
  CHECK(t.assigned_at == day);                 // the crisis SLA clock runs on
  CHECK(t.excluded == std::vector<std::string>{"paula.psykologi@varia.fi"});
  CHECK(t.misroute_count == 1);
  CHECK(t.history.back().detail ==
        "not mine; niina.hoitaja@varia.fi,sami.sosiaali@varia.fi,kriisi@varia.fi keep it");
}

TEST_CASE("not mine by the one who acknowledged a shared ticket reopens it for the others",
          "[routing][not_mine]") {
  const auto config = tuki::routing::testing::varia();
  ticket t = notified_crisis(config);
  REQUIRE(acknowledge(t, "sami.sosiaali@varia.fi", day).is_ok());

  // Someone else leaving changes nothing for the acknowledgement.
  auto d = route_not_mine(config.rules, t, "niina.hoitaja@varia.fi", config.staff, {}, day);
  REQUIRE(d);
  REQUIRE(mark_misrouted(t, "niina.hoitaja@varia.fi", *d, day).is_ok());
  CHECK(t.status == ticket_status::acknowledged);
  // The acknowledger leaving: the others must acknowledge, so reminders reach them.
  d = route_not_mine(config.rules, t, "sami.sosiaali@varia.fi", config.staff, {}, day);
  REQUIRE(d);
  REQUIRE(mark_misrouted(t, "sami.sosiaali@varia.fi", *d, day).is_ok());
  CHECK(t.status == ticket_status::opened);
  CHECK_FALSE(t.acknowledged_at.has_value());
}

TEST_CASE("not mine by the last one on a crisis ticket: the rota, else the crisis contact, never "
          "the fallback role",
          "[routing][not_mine]") {
  auto config = tuki::routing::testing::varia();
  const std::string paula = "paula.psykologi@varia.fi";
  routing_decision only_paula;
  only_paula.assignees.push_back({paula, "Paula", "psychologist", "fi", "", "on call"});
  only_paula.role = "psychologist,nurse,social_worker";
  only_paula.rule_index = 5;

  SECTION("the crisis rule still has people: they take it") {
    ticket t = make_ticket("T2", crisis_request(), only_paula, day);
    auto d = route_not_mine(config.rules, t, paula, config.staff, {}, day);
    REQUIRE(d);
    CHECK(d->rule_index == 5);
    CHECK(emails(d->assignees) == std::vector<std::string>{"niina.hoitaja@varia.fi",
                                                           "sami.sosiaali@varia.fi",
                                                           "kriisi@varia.fi"});
  }
  SECTION("nobody left on the rota: the crisis contact, not study_counsellor or the coordinator") {
    config.rules.rules[5].notify_crisis_contact = false;
    auto request = crisis_request();
    request.excluded = {"niina.hoitaja@varia.fi", "sami.sosiaali@varia.fi",
                        "pekka.psykologi@varia.fi"};
    ticket t = make_ticket("T3", request, only_paula, day);
    // What route() alone would do: the fallback role (Olli or Oona).
    auto plain = route(config.rules, reroute_request(t, paula), config.staff, {}, day);
    REQUIRE(plain);
    REQUIRE(plain->role == "study_counsellor");

    auto d = route_not_mine(config.rules, t, paula, config.staff, {}, day);
    REQUIRE(d);
    REQUIRE(d->assignees.size() == 1);
    CHECK(d->assignees[0].email == "kriisi@varia.fi");
    CHECK(d->assignees[0].role == "crisis_contact");
    REQUIRE(mark_misrouted(t, paula, *d, day).is_ok());
    CHECK(t.role == "psychologist,nurse,social_worker");

    // The crisis contact cannot pass it on to nobody: it stays, and the ticket is unchanged.
    const ticket before = t;
    auto last = route_not_mine(config.rules, t, "kriisi@varia.fi", config.staff, {}, day);
    REQUIRE_FALSE(last);
    CHECK(last.error().error_code() == core::status::code::invalid_argument);
    CHECK_THAT(last.error().message(), Catch::Contains("stays with kriisi@varia.fi"));
    CHECK(t == before);
  }
}

TEST_CASE("not mine on an ordinary ticket routes again, fallback role included",
          "[routing][not_mine]") {
  const auto config = tuki::routing::testing::varia();
  ticket_request r;
  r.category = "life";
  r.student = {"s-1", "Sini", "Kuokkala", "TVT22", "", "fi", ""};
  auto first = route(config.rules, r, config.staff, {}, day);
  REQUIRE(first);
  ticket t = make_ticket("T4", r, *first, day);
  REQUIRE(emails(t.assignees) == std::vector<std::string>{"sami.sosiaali@varia.fi"});
  auto d = route_not_mine(config.rules, t, "sami.sosiaali@varia.fi", config.staff, {}, day);
  REQUIRE(d);
  CHECK(d->role == "study_counsellor");
  CHECK_FALSE(route_not_mine(config.rules, t, "olli.opo@varia.fi", config.staff, {}, day));
}
