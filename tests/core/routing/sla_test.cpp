#include <catch2/catch.hpp>

#include "routing_test_support.hpp"
#include "tuki/core/routing/sla.hpp"
#include "tuki/core/routing/ticket.hpp"

using namespace tuki;
using namespace tuki::routing;
using tuki::routing::testing::utc;

namespace {

ticket make(std::string category, core::urgency u, std::string backup) {
  ticket_request r;
  r.category = std::move(category);
  r.urgency = u;
  routing_decision d;
  d.assignees.push_back({"t@x.fi", "T", "teacher", "fi", std::move(backup), ""});
  return make_ticket("T1", r, d, utc("2025-03-04T08:00:00Z"));
}

sla_settings settings() {
  sla_settings s;
  s.coordinator_email = "boss@x.fi";
  return s;
}

}  // namespace

TEST_CASE("SLA: reminder at 48 h and escalation to the backup at 96 h", "[routing]") {
  ticket t = make("studies", core::urgency::normal, "backup@x.fi");
  REQUIRE(mark_notified(t, utc("2025-03-04T08:01:00Z")).is_ok());

  auto d = next_deadline(t, settings(), utc("2025-03-06T07:59:59Z"));
  REQUIRE(d.has_value());
  CHECK(d->action == sla_action::remind);
  CHECK(d->at == utc("2025-03-06T08:00:00Z"));
  CHECK_FALSE(d->due);
  CHECK(d->recipients == std::vector<std::string>{"t@x.fi"});
  CHECK(next_deadline(t, settings(), utc("2025-03-06T08:00:00Z"))->due);

  REQUIRE(record_reminder(t, d->recipients, utc("2025-03-06T08:00:00Z")).is_ok());
  CHECK(t.history.back().event == "reminder");
  d = next_deadline(t, settings(), utc("2025-03-06T08:00:00Z"));
  REQUIRE(d.has_value());
  CHECK(d->action == sla_action::escalate);
  CHECK(d->at == utc("2025-03-08T08:00:00Z"));
  CHECK(d->recipients == std::vector<std::string>{"backup@x.fi"});

  REQUIRE(record_escalation(t, d->recipients, d->at).is_ok());
  CHECK(t.history.back().event == "escalation");
  CHECK(t.history.back().detail == "backup@x.fi");
  CHECK_FALSE(next_deadline(t, settings(), d->at).has_value());
}

TEST_CASE("SLA: crisis reminds at 30 min and escalates at 60 min to the coordinator", "[routing]") {
  ticket t = make("crisis", core::urgency::urgent, "");
  auto d = next_deadline(t, settings(), utc("2025-03-04T08:00:00Z"));
  REQUIRE(d.has_value());
  CHECK(d->at == utc("2025-03-04T08:30:00Z"));
  REQUIRE(record_reminder(t, d->recipients, d->at).is_ok());
  d = next_deadline(t, settings(), utc("2025-03-04T09:00:00Z"));
  REQUIRE(d.has_value());
  CHECK(d->action == sla_action::escalate);
  CHECK(d->at == utc("2025-03-04T09:00:00Z"));
  CHECK(d->due);
  CHECK(d->recipients == std::vector<std::string>{"boss@x.fi"});

  // Nobody acknowledges or takes it over: escalated again every 60 minutes, not left quiet.
  REQUIRE(record_escalation(t, d->recipients, d->at).is_ok());
  d = next_deadline(t, settings(), utc("2025-03-04T09:59:59Z"));
  REQUIRE(d.has_value());
  CHECK(d->action == sla_action::escalate);
  CHECK(d->at == utc("2025-03-04T10:00:00Z"));
  CHECK_FALSE(d->due);
  CHECK(d->recipients == std::vector<std::string>{"boss@x.fi"});
  REQUIRE(record_escalation(t, d->recipients, d->at).is_ok());
  CHECK(next_deadline(t, settings(), utc("2025-03-04T10:00:00Z"))->at ==
        utc("2025-03-04T11:00:00Z"));
  // Taken over from the escalation email: the clock stops.
  REQUIRE(acknowledge(t, "boss@x.fi", utc("2025-03-04T10:05:00Z")).is_ok());
  CHECK_FALSE(next_deadline(t, settings(), utc("2025-03-04T12:00:00Z")).has_value());
}

TEST_CASE("SLA: configured times are used; acknowledging stops the clock", "[routing]") {
  sla_settings s = settings();
  s.remind_after = std::chrono::hours(24);
  ticket t = make("life", core::urgency::normal, "");
  CHECK(next_deadline(t, s, utc("2025-03-04T08:00:00Z"))->at == utc("2025-03-05T08:00:00Z"));
  REQUIRE(acknowledge(t, "t@x.fi", utc("2025-03-04T10:00:00Z")).is_ok());
  CHECK_FALSE(next_deadline(t, s, utc("2025-03-10T08:00:00Z")).has_value());
}

TEST_CASE("SLA: follow-up 14 days after RESOLVED, once", "[routing]") {
  ticket t = make("life", core::urgency::normal, "");
  REQUIRE(mark_notified(t, utc("2025-03-04T08:00:00Z")).is_ok());
  REQUIRE(resolve(t, "t@x.fi", "", utc("2025-03-05T12:00:00Z")).is_ok());
  auto d = next_deadline(t, settings(), utc("2025-03-05T12:00:00Z"));
  REQUIRE(d.has_value());
  CHECK(d->action == sla_action::followup);
  CHECK(d->at == utc("2025-03-19T12:00:00Z"));
  CHECK(d->recipients.empty());
  REQUIRE(record_followup(t, d->at).is_ok());
  CHECK_FALSE(next_deadline(t, settings(), d->at).has_value());
}
