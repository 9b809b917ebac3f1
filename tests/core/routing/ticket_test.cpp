#include <catch2/catch.hpp>

#include "routing_test_support.hpp"
#include "tuki/core/routing/ticket.hpp"

using namespace tuki;
using namespace tuki::routing;
using tuki::routing::testing::fresh;
using tuki::routing::testing::to;
using tuki::routing::testing::utc;

namespace {

const core::instant later = utc("2025-03-04T09:00:00Z");

}  // namespace

TEST_CASE("ticket: the happy path NEW -> OPENED -> ACKNOWLEDGED -> RESOLVED", "[routing]") {
  ticket t = fresh();
  CHECK(t.status == ticket_status::new_ticket);
  REQUIRE(t.history.size() == 1);
  CHECK(t.history[0].event == "created");
  REQUIRE(mark_notified(t, later).is_ok());
  CHECK(t.status == ticket_status::opened);
  REQUIRE(acknowledge(t, "T@x.fi", later).is_ok());
  CHECK(t.status == ticket_status::acknowledged);
  CHECK(t.acknowledged_at == later);
  // Acknowledge twice: fine, nothing recorded twice.
  const auto events = t.history.size();
  REQUIRE(acknowledge(t, "t@x.fi", later).is_ok());
  CHECK(t.history.size() == events);
  REQUIRE(add_note(t, "t@x.fi", "called the student", later).is_ok());
  REQUIRE(resolve(t, "t@x.fi", "agreed on a plan", later).is_ok());
  CHECK(t.status == ticket_status::resolved);
  CHECK_FALSE(t.is_open());
  std::vector<std::string> names;
  for (const auto& e : t.history) names.push_back(e.event);
  CHECK(names ==
        std::vector<std::string>{"created", "notified", "acknowledged", "note", "resolved"});
  CHECK(t.history.back().actor == "t@x.fi");
  CHECK(t.history.back().detail == "agreed on a plan");
}

TEST_CASE("ticket: invalid transitions return a status and change nothing", "[routing]") {
  ticket t = fresh();
  const ticket before = t;
  CHECK(resolve(t, "t@x.fi", "", later).error_code() == core::status::code::invalid_argument);
  CHECK(acknowledge(t, "other@x.fi", later).error_code() == core::status::code::permission_denied);
  CHECK(t == before);

  REQUIRE(mark_notified(t, later).is_ok());
  CHECK_FALSE(mark_notified(t, later).is_ok());
  REQUIRE(resolve(t, "t@x.fi", "", later).is_ok());
  const ticket resolved = t;
  CHECK_FALSE(acknowledge(t, "t@x.fi", later).is_ok());
  CHECK_FALSE(resolve(t, "t@x.fi", "", later).is_ok());
  CHECK_FALSE(reassign(t, "t@x.fi", "nurse", to({"n@x.fi"}), later).is_ok());
  CHECK_FALSE(mark_misrouted(t, "t@x.fi", to({"n@x.fi"}), later).is_ok());
  CHECK_FALSE(record_reminder(t, {"t@x.fi"}, later).is_ok());
  CHECK(t == resolved);
  CHECK_FALSE(add_note(t, "t@x.fi", "", later).is_ok());
  ticket skipped = t;
  REQUIRE(record_followup(t, later).is_ok());
  CHECK_FALSE(record_followup(t, later).is_ok());
  CHECK_FALSE(record_followup_skipped(t, "the student opted out", later).is_ok());
  CHECK_FALSE(t.followup_skipped);
  // Skipped is a step taken too (the SLA has nothing left), but it asked nothing.
  REQUIRE(record_followup_skipped(skipped, "the student opted out", later).is_ok());
  CHECK(skipped.followup_at == later);
  CHECK(skipped.followup_skipped);
  CHECK(skipped.history.back().detail == "follow-up skipped: the student opted out");
  CHECK_FALSE(record_followup(skipped, later).is_ok());
}

TEST_CASE("ticket: reassignment restarts notification and the SLA clock", "[routing]") {
  ticket t = fresh();
  REQUIRE(mark_notified(t, later).is_ok());
  REQUIRE(record_reminder(t, {"t@x.fi"}, later).is_ok());
  const auto at = utc("2025-03-05T08:00:00Z");
  CHECK_FALSE(reassign(t, "t@x.fi", "nurse", routing_decision{}, at).is_ok());
  REQUIRE(reassign(t, "t@x.fi", "nurse", to({"n@x.fi"}, "nurse"), at).is_ok());
  CHECK(t.status == ticket_status::reassigned);
  CHECK(t.assigned_at == at);
  CHECK_FALSE(t.reminded_at.has_value());
  CHECK(t.role == "nurse");
  CHECK(t.history.back().event == "reassigned");
  CHECK(t.history.back().detail == "nurse: t@x.fi -> n@x.fi");
  CHECK_FALSE(acknowledge(t, "t@x.fi", at).is_ok());  // no longer theirs
  REQUIRE(mark_notified(t, at).is_ok());
  REQUIRE(acknowledge(t, "n@x.fi", at).is_ok());
}

TEST_CASE("ticket: a shared or crisis ticket is not reassigned, which would remove the others",
          "[routing]") {
  ticket shared = fresh({"a@x.fi", "b@x.fi"});
  ticket crisis = fresh();
  crisis.urgency = core::urgency::urgent;
  ticket crisis_category = fresh();
  crisis_category.category = "crisis";
  for (ticket* t : {&shared, &crisis, &crisis_category}) {
    REQUIRE(mark_notified(*t, later).is_ok());
    CHECK_FALSE(t->is_reassignable());
    const ticket before = *t;
    auto s = reassign(*t, t->assignees.front().email, "study_counsellor",
                      to({"opo@x.fi"}, "study_counsellor"), later);
    CHECK(s.error_code() == core::status::code::invalid_argument);
    CHECK_THAT(s.message(), Catch::Contains("shared or a crisis ticket"));
    CHECK(*t == before);
  }
  CHECK(fresh().is_reassignable());
}

TEST_CASE("ticket: not mine reroutes without the person and counts the misroute", "[routing]") {
  const auto config = tuki::routing::testing::varia();
  ticket_request r;
  r.category = "other";
  r.student = {"s-1", "Sini", "Kuokkala", "TVT22", "", "fi", ""};
  const auto now = utc("2025-03-04T08:00:00Z");
  auto first = route(config.rules, r, config.staff, {}, now);
  REQUIRE(first.is_ok());
  ticket t = make_ticket("T9", r, *first, now);
  REQUIRE(t.assignees.front().email == "olli.opo@varia.fi");
  REQUIRE(mark_notified(t, now).is_ok());

  // Olli says not mine: the same routing without him picks Oona.
  const auto req = reroute_request(t, "olli.opo@varia.fi");
  auto again = route(config.rules, req, config.staff, {}, now);
  REQUIRE(again.is_ok());
  CHECK(again->assignees.front().email == "oona.opo@varia.fi");
  CHECK_FALSE(mark_misrouted(t, "olli.opo@varia.fi", *first, now).is_ok());  // Olli again
  REQUIRE(mark_misrouted(t, "olli.opo@varia.fi", *again, now).is_ok());
  CHECK(t.status == ticket_status::misrouted);
  CHECK(t.misroute_count == 1);
  CHECK(t.excluded == std::vector<std::string>{"olli.opo@varia.fi"});
  CHECK(t.assignees.size() == 1);
  CHECK(t.assignees.front().email == "oona.opo@varia.fi");

  // Oona says not mine too: both counsellors are excluded; the coordinator takes it.
  REQUIRE(mark_notified(t, now).is_ok());
  auto third = route(config.rules, reroute_request(t, "oona.opo@varia.fi"), config.staff, {}, now);
  REQUIRE(third.is_ok());
  CHECK(third->assignees.front().email == "koordinaattori@varia.fi");
  REQUIRE(mark_misrouted(t, "oona.opo@varia.fi", *third, now).is_ok());
  CHECK(t.misroute_count == 2);
  CHECK_FALSE(mark_misrouted(t, "oona.opo@varia.fi", *third, now).is_ok());  // not hers now
}

TEST_CASE("ticket: not mine on a shared ticket keeps the others", "[routing]") {
  ticket t = fresh({"a@x.fi", "b@x.fi"});
  REQUIRE(mark_notified(t, later).is_ok());
  REQUIRE(mark_misrouted(t, "a@x.fi", routing_decision{}, later).is_ok());
  REQUIRE(t.assignees.size() == 1);
  CHECK(t.assignees.front().email == "b@x.fi");
  CHECK_FALSE(mark_misrouted(t, "b@x.fi", routing_decision{}, later).is_ok());  // nobody left
}

TEST_CASE("ticket: whom it was escalated to can take it over; nobody else can act", "[routing]") {
  ticket t = fresh();
  REQUIRE(mark_notified(t, later).is_ok());
  CHECK(escalation_recipients(t).empty());
  // Not escalated yet: the coordinator is nobody on this ticket.
  CHECK(acknowledge(t, "coordinator@x.fi", later).error_code() ==
        core::status::code::permission_denied);
  REQUIRE(record_escalation(t, {"backup@x.fi", "Coordinator@X.fi"}, later).is_ok());
  CHECK(escalation_recipients(t) == std::vector<std::string>{"backup@x.fi", "coordinator@x.fi"});
  const ticket before = t;
  CHECK(acknowledge(t, "stranger@x.fi", later).error_code() ==
        core::status::code::permission_denied);
  CHECK(t == before);

  SECTION("acknowledging takes it over beside the assignee") {
    REQUIRE(acknowledge(t, "COORDINATOR@x.fi", later).is_ok());
    CHECK(t.status == ticket_status::acknowledged);
    REQUIRE(t.assignees.size() == 2);
    CHECK(t.assignees[0].email == "t@x.fi");
    CHECK(t.assignees[1].email == "coordinator@x.fi");
    CHECK(t.assignees[1].via == "escalation");
    REQUIRE(t.history.size() >= 2);
    CHECK(t.history[t.history.size() - 2].event == "took_over");
    CHECK(t.history.back().event == "acknowledged");
    CHECK(t.history.back().actor == "coordinator@x.fi");
    // Once only: acting again adds nobody.
    REQUIRE(resolve(t, "coordinator@x.fi", "called the student", later).is_ok());
    CHECK(t.assignees.size() == 2);
  }
  SECTION("resolving takes it over too") {
    REQUIRE(resolve(t, "backup@x.fi", "", later).is_ok());
    CHECK(t.status == ticket_status::resolved);
    CHECK(t.is_assignee("backup@x.fi"));
  }
  SECTION("a reassignment ends what the escalation allowed") {
    REQUIRE(reassign(t, "t@x.fi", "teacher", to({"other@x.fi"}), later).is_ok());
    CHECK(escalation_recipients(t).empty());
    CHECK(acknowledge(t, "coordinator@x.fi", later).error_code() ==
          core::status::code::permission_denied);
  }
}
