#include <catch2/catch.hpp>

#include <date/tz.h>

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
  // 96 h of school days from Tuesday 08:00: the weekend of 8-9 March does not count.
  CHECK(d->at == utc("2025-03-10T08:00:00Z"));
  CHECK(d->recipients == std::vector<std::string>{"backup@x.fi"});

  REQUIRE(record_escalation(t, d->recipients, d->at).is_ok());
  CHECK(t.history.back().event == "escalation");
  CHECK(t.history.back().detail == "backup@x.fi");
  // Nobody takes it: escalated again 48 h later, and the coordinator hears as well.
  d = next_deadline(t, settings(), utc("2025-03-10T08:00:00Z"));
  REQUIRE(d.has_value());
  CHECK(d->action == sla_action::escalate);
  CHECK(d->at == utc("2025-03-12T08:00:00Z"));
  CHECK_FALSE(d->due);
  CHECK(d->recipients == std::vector<std::string>{"backup@x.fi", "boss@x.fi"});
  REQUIRE(record_escalation(t, d->recipients, d->at).is_ok());
  sla_settings weekly = settings();
  weekly.escalate_repeat_after = std::chrono::days(5);  // five school days: a week
  CHECK(next_deadline(t, weekly, d->at)->at == utc("2025-03-19T08:00:00Z"));
  // The backup takes it over from the escalation email: no more escalations.
  REQUIRE(acknowledge(t, "backup@x.fi", utc("2025-03-13T09:00:00Z")).is_ok());
  CHECK(next_deadline(t, settings(), utc("2025-03-13T09:00:00Z"))->action ==
        sla_action::still_open);
}

TEST_CASE("SLA: staff steps count school days in the institution's zone; a crisis every hour",
          "[routing]") {
  // Friday 2025-03-07 15:00 in Helsinki (13:00 UTC).
  sla_settings s = settings();
  s.zone = date::locate_zone("Europe/Helsinki");
  ticket_request r;
  r.category = "life";
  routing_decision dec;
  dec.assignees.push_back({"t@x.fi", "T", "social_worker", "", "", ""});
  ticket t = make_ticket("T3", r, dec, utc("2025-03-07T13:00:00Z"));
  CHECK(next_deadline(t, s, t.assigned_at)->at == utc("2025-03-11T13:00:00Z"));  // Tuesday
  r.category = "crisis";
  ticket crisis = make_ticket("T4", r, dec, utc("2025-03-07T13:00:00Z"));
  CHECK(next_deadline(crisis, s, crisis.assigned_at)->at == utc("2025-03-07T13:30:00Z"));
}

TEST_CASE("SLA: staff steps skip the institution's holidays; a crisis does not", "[routing]") {
  // Friday 2025-12-19 15:00 in Helsinki (13:00 UTC); the Christmas break is 12-22 to 01-02.
  sla_settings s = settings();
  s.zone = date::locate_zone("Europe/Helsinki");
  s.holidays =
      schedule::holiday_calendar({{date::local_days{date::year{2025} / 12 / 22},
                                   date::local_days{date::year{2026} / 1 / 2}, "Joululoma"}});
  ticket_request r;
  r.category = "life";
  routing_decision dec;
  dec.assignees.push_back({"t@x.fi", "T", "social_worker", "", "", ""});
  ticket t = make_ticket("T5", r, dec, utc("2025-12-19T13:00:00Z"));
  // 48 school hours: 9 of Friday, then Monday 01-05 whole and 15 h of Tuesday 01-06.
  CHECK(next_deadline(t, s, t.assigned_at)->at == utc("2026-01-06T13:00:00Z"));
  CHECK(next_deadline(t, settings(), t.assigned_at)->at == utc("2025-12-23T13:00:00Z"));
  // Acknowledged during the break: "still open?" five school days after it began again.
  REQUIRE(acknowledge(t, "t@x.fi", utc("2025-12-29T09:00:00Z")).is_ok());
  auto ask = next_deadline(t, s, utc("2025-12-29T09:00:00Z"));
  REQUIRE(ask);
  CHECK(ask->action == sla_action::still_open);
  CHECK(ask->at == utc("2026-01-11T22:00:00Z"));  // Monday 01-12 00:00 local
  r.category = "crisis";
  ticket crisis = make_ticket("T6", r, dec, utc("2025-12-24T13:00:00Z"));
  CHECK(next_deadline(crisis, s, crisis.assigned_at)->at == utc("2025-12-24T13:30:00Z"));
}

TEST_CASE("SLA: an escalation never goes to an assignee", "[routing]") {
  // The coordinator holds the ticket as the last resort: escalating it to them again would
  // tell nobody new.
  ticket_request r;
  r.category = "life";
  routing_decision dec;
  dec.assignees.push_back({"boss@x.fi", "", "coordinator", "", "", ""});
  ticket t = make_ticket("T2", r, dec, utc("2025-03-04T08:00:00Z"));
  REQUIRE(record_reminder(t, {"boss@x.fi"}, utc("2025-03-06T08:00:00Z")).is_ok());
  auto d = next_deadline(t, settings(), utc("2025-03-08T08:00:00Z"));
  REQUIRE(d.has_value());
  CHECK(d->action == sla_action::escalate);
  CHECK(d->recipients.empty());
  // A backup who is also an assignee is skipped for the coordinator.
  ticket shared = make("life", core::urgency::normal, "u@x.fi");
  shared.assignees.push_back({"u@x.fi", "U", "teacher", "", "", ""});
  REQUIRE(record_reminder(shared, {"t@x.fi", "u@x.fi"}, utc("2025-03-06T08:00:00Z")).is_ok());
  CHECK(next_deadline(shared, settings(), utc("2025-03-08T08:00:00Z"))->recipients ==
        std::vector<std::string>{"boss@x.fi"});
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
  // Taken over from the escalation email: no more escalations; a week on, the question whether
  // it is still open.
  REQUIRE(acknowledge(t, "boss@x.fi", utc("2025-03-04T10:05:00Z")).is_ok());
  d = next_deadline(t, settings(), utc("2025-03-04T12:00:00Z"));
  REQUIRE(d.has_value());
  CHECK(d->action == sla_action::still_open);
  CHECK(d->at == utc("2025-03-11T10:05:00Z"));
}

TEST_CASE("SLA: configured times are used; acknowledging stops the reminders", "[routing]") {
  sla_settings s = settings();
  s.remind_after = std::chrono::hours(24);
  ticket t = make("life", core::urgency::normal, "");
  CHECK(next_deadline(t, s, utc("2025-03-04T08:00:00Z"))->at == utc("2025-03-05T08:00:00Z"));
  REQUIRE(acknowledge(t, "t@x.fi", utc("2025-03-04T10:00:00Z")).is_ok());
  auto d = next_deadline(t, s, utc("2025-03-10T08:00:00Z"));
  REQUIRE(d.has_value());
  CHECK(d->action != sla_action::remind);
  CHECK(d->action != sla_action::escalate);
}

TEST_CASE("SLA: an acknowledged ticket nobody resolves asks its assignees every week",
          "[routing]") {
  ticket t = make("life", core::urgency::normal, "backup@x.fi");
  REQUIRE(mark_notified(t, utc("2025-03-04T08:01:00Z")).is_ok());
  // Not before it is acknowledged: that is what the reminders are for.
  CHECK_FALSE(record_still_open(t, {"t@x.fi"}, utc("2025-03-04T09:00:00Z")).is_ok());
  REQUIRE(acknowledge(t, "t@x.fi", utc("2025-03-04T10:00:00Z")).is_ok());
  auto d = next_deadline(t, settings(), utc("2025-03-11T09:59:59Z"));
  REQUIRE(d.has_value());
  CHECK(d->action == sla_action::still_open);
  CHECK(d->at == utc("2025-03-11T10:00:00Z"));
  CHECK_FALSE(d->due);
  CHECK(d->recipients == std::vector<std::string>{"t@x.fi"});  // the assignees, not the backup
  REQUIRE(record_still_open(t, d->recipients, d->at).is_ok());
  CHECK(t.history.back().event == "still_open");
  CHECK(t.history.back().detail == "t@x.fi");
  d = next_deadline(t, settings(), utc("2025-03-11T10:00:00Z"));
  CHECK(d->action == sla_action::still_open);
  CHECK(d->at == utc("2025-03-18T10:00:00Z"));
  // Resolved: the student's follow-up is next, and nobody is asked again.
  REQUIRE(resolve(t, "t@x.fi", "", utc("2025-03-12T10:00:00Z")).is_ok());
  CHECK(next_deadline(t, settings(), utc("2025-03-12T10:00:00Z"))->action == sla_action::followup);
  CHECK_FALSE(record_still_open(t, {"t@x.fi"}, utc("2025-03-12T11:00:00Z")).is_ok());
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
