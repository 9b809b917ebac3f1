// Staff who left (staff_directory::add_departed): route() never chooses them, whatever names
// their email (a role, a student's teacher_email, the coordinator, the crisis contact); their
// open tickets are handed over (route_departure, hand_over); the SLA escalates past them.
#include "tuki/core/routing/departure.hpp"

#include <catch2/catch.hpp>

#include "routing_test_support.hpp"
#include "tuki/core/routing/availability.hpp"
#include "tuki/core/routing/sla.hpp"

using namespace tuki;
using namespace tuki::routing;
using tuki::routing::testing::utc;

namespace {

const core::instant day = utc("2025-03-04T08:00:00Z");

routing_rules rules() {
  routing_rules r;
  r.fallback_role = "study_counsellor";
  r.institution.coordinator_email = "koordinaattori@x.fi";
  r.institution.crisis_contact_email = "kriisi@x.fi";
  routing_rule life;
  life.category = "life";
  life.roles = {"social_worker"};
  routing_rule studies;
  studies.category = "studies";
  studies.roles = {"teacher"};
  routing_rule crisis;
  crisis.category = "crisis";
  crisis.roles = {"nurse"};
  crisis.pick = role_pick::all_on_call;
  crisis.notify_crisis_contact = true;
  r.rules = {life, studies, crisis};
  return r;
}

staff_member member(std::string email, std::string role, bool on_call = false) {
  staff_member m;
  m.email = std::move(email);
  m.roles = {std::move(role)};
  m.on_call = on_call;
  return m;
}

ticket_request request(std::string category, std::string teacher = "") {
  ticket_request r;
  r.category = std::move(category);
  r.student = {"s-1", "Sini", "Kuokkala", "TVT22", "", "fi", std::move(teacher)};
  return r;
}

std::vector<std::string> emails(const std::vector<assignee>& as) {
  std::vector<std::string> out;
  for (const auto& a : as) out.push_back(a.email);
  return out;
}

}  // namespace

TEST_CASE("a directory refuses a member who left, in any case of the email",
          "[routing][departure]") {
  staff_directory dir;
  dir.add_departed("Sanna@X.fi");
  CHECK(dir.departed("sanna@x.fi"));
  CHECK_FALSE(dir.departed("sami@x.fi"));
  auto added = dir.add(member("sanna@x.fi", "social_worker"));
  CHECK(added.error_code() == core::status::code::invalid_argument);
  CHECK(dir.find("sanna@x.fi") == nullptr);
  CHECK(dir.holders("social_worker").empty());
}

TEST_CASE("route() never chooses someone who left: own teacher, coordinator, crisis contact",
          "[routing][departure]") {
  staff_directory dir;
  REQUIRE(dir.add(member("carl@x.fi", "teacher")).is_ok());
  // The student's own teacher is chosen first, even outside the directory...
  auto own = route(rules(), request("studies", "Ope@x.fi"), dir, {}, day);
  REQUIRE(own);
  CHECK(emails(own->assignees) == std::vector<std::string>{"ope@x.fi"});
  // ... but not once they left.
  dir.add_departed("ope@x.fi");
  auto other = route(rules(), request("studies", "Ope@x.fi"), dir, {}, day);
  REQUIRE(other);
  CHECK(emails(other->assignees) == std::vector<std::string>{"carl@x.fi"});

  // Nobody in the role or the fallback role: the coordinator, unless they left.
  auto coordinator = route(rules(), request("life"), dir, {}, day);
  REQUIRE(coordinator);
  CHECK(emails(coordinator->assignees) == std::vector<std::string>{"koordinaattori@x.fi"});
  dir.add_departed("koordinaattori@x.fi");
  auto nobody = route(rules(), request("life"), dir, {}, day);
  REQUIRE_FALSE(nobody);
  CHECK(nobody.error().error_code() == core::status::code::not_found);

  // A crisis goes to the on-call nurses and the crisis contact, unless the contact left.
  REQUIRE(dir.add(member("niina@x.fi", "nurse", true)).is_ok());
  auto crisis = request("crisis");
  crisis.urgency = core::urgency::urgent;
  auto with_contact = route(rules(), crisis, dir, {}, day);
  REQUIRE(with_contact);
  CHECK(emails(with_contact->assignees) == std::vector<std::string>{"niina@x.fi", "kriisi@x.fi"});
  dir.add_departed("kriisi@x.fi");
  CHECK_FALSE(crisis_contact(rules(), dir));
  auto without = route(rules(), crisis, dir, {}, day);
  REQUIRE(without);
  CHECK(emails(without->assignees) == std::vector<std::string>{"niina@x.fi"});
}

TEST_CASE("a ticket whose only assignee left is routed again to someone else",
          "[routing][departure]") {
  staff_directory before;
  REQUIRE(before.add(member("sanna@x.fi", "social_worker")).is_ok());
  auto first = route(rules(), request("life"), before, {}, day);
  REQUIRE(first);
  ticket t = make_ticket("T1", request("life"), *first, day);
  REQUIRE(mark_notified(t, day).is_ok());
  REQUIRE(acknowledge(t, "sanna@x.fi", day).is_ok());
  CHECK(departed_assignees(t, before).empty());
  auto none = route_departure(rules(), t, before, {}, day);
  CHECK(none.error().error_code() == core::status::code::invalid_argument);

  // Sanna leaves; Sami joins.
  staff_directory after;
  after.add_departed("sanna@x.fi");
  REQUIRE(after.add(member("sami@x.fi", "social_worker")).is_ok());
  const auto gone = departed_assignees(t, after);
  REQUIRE(gone == std::vector<std::string>{"sanna@x.fi"});
  const auto later = day + std::chrono::hours(3);
  auto d = route_departure(rules(), t, after, {}, later);
  REQUIRE(d);
  CHECK(emails(d->assignees) == std::vector<std::string>{"sami@x.fi"});
  REQUIRE(hand_over(t, gone, *d, later).is_ok());
  CHECK(emails(t.assignees) == std::vector<std::string>{"sami@x.fi"});
  CHECK(t.status == ticket_status::reassigned);
  CHECK(t.assigned_at == later);   // the SLA clock starts again for Sami
  CHECK_FALSE(t.acknowledged_at);  // Sanna's acknowledgement is not Sami's
  CHECK(t.history.back().event == "departed");
  CHECK(t.history.back().actor == "tuki");
  CHECK(t.history.back().detail.find("sanna@x.fi left (deactivated); now sami@x.fi") == 0);
  CHECK(mark_notified(t, later).is_ok());
  CHECK(departed_assignees(t, after).empty());

  // With nobody else at all, nothing to hand it to: the caller keeps trying.
  staff_directory empty;
  empty.add_departed("sami@x.fi");
  empty.add_departed("koordinaattori@x.fi");
  auto stuck = route_departure(rules(), t, empty, {}, later);
  REQUIRE_FALSE(stuck);
  CHECK(stuck.error().error_code() == core::status::code::not_found);
}

TEST_CASE("on a shared ticket someone who left is only taken off it", "[routing][departure]") {
  staff_directory dir;
  REQUIRE(dir.add(member("niina@x.fi", "nurse", true)).is_ok());
  REQUIRE(dir.add(member("noora@x.fi", "nurse", true)).is_ok());
  auto crisis = request("crisis");
  crisis.urgency = core::urgency::urgent;
  auto first = route(rules(), crisis, dir, {}, day);
  REQUIRE(first);
  ticket t = make_ticket("T2", crisis, *first, day);
  REQUIRE(mark_notified(t, day).is_ok());
  REQUIRE(emails(t.assignees) ==
          std::vector<std::string>{"niina@x.fi", "noora@x.fi", "kriisi@x.fi"});
  REQUIRE(acknowledge(t, "noora@x.fi", day).is_ok());
  const auto role = t.role;

  staff_directory after;
  after.add_departed("noora@x.fi");
  REQUIRE(after.add(member("niina@x.fi", "nurse", true)).is_ok());
  const auto later = day + std::chrono::minutes(5);
  auto d = route_departure(rules(), t, after, {}, later);
  REQUIRE(d);
  CHECK(d->assignees.empty());
  REQUIRE(hand_over(t, departed_assignees(t, after), *d, later).is_ok());
  CHECK(emails(t.assignees) == std::vector<std::string>{"niina@x.fi", "kriisi@x.fi"});
  CHECK(t.role == role);
  CHECK(t.assigned_at == day);  // the others' SLA clock goes on
  // Noora's acknowledgement is undone, so that the reminders reach the others.
  CHECK(t.status == ticket_status::opened);
  CHECK_FALSE(t.acknowledged_at);
  CHECK(t.history.back().detail == "noora@x.fi left (deactivated); niina@x.fi,kriisi@x.fi keep it");
}

namespace {

// A studies ticket of teacher t@x.fi (backup: backup@x.fi), reminded of: next it escalates.
ticket reminded_ticket(const std::string& id) {
  routing_decision d;
  d.assignees.push_back({"t@x.fi", "T", "teacher", "fi", "backup@x.fi", ""});
  ticket t = make_ticket(id, request("studies"), d, day);
  REQUIRE(mark_notified(t, day).is_ok());
  REQUIRE(record_reminder(t, {"t@x.fi"}, day + std::chrono::hours(48)).is_ok());
  return t;
}

}  // namespace

TEST_CASE("an escalation passes over a backup or coordinator who left", "[routing][departure]") {
  ticket t = reminded_ticket("T3");
  sla_settings s;
  s.coordinator_email = "boss@x.fi";
  const auto at = day + std::chrono::hours(96);
  staff_directory dir;
  CHECK(next_deadline(t, s, at, &dir)->recipients == std::vector<std::string>{"backup@x.fi"});
  dir.add_departed("backup@x.fi");
  CHECK(next_deadline(t, s, at, &dir)->recipients == std::vector<std::string>{"boss@x.fi"});
  dir.add_departed("boss@x.fi");
  CHECK(next_deadline(t, s, at, &dir)->recipients.empty());
  CHECK(next_deadline(t, s, at)->recipients == std::vector<std::string>{"backup@x.fi"});
}

TEST_CASE("an escalation passes over a backup absent on the day it goes out",
          "[routing][departure]") {
  ticket t = reminded_ticket("T4");
  sla_settings s;
  s.coordinator_email = "boss@x.fi";
  const auto due = next_deadline(t, s, day)->at;
  const auto due_day = std::chrono::floor<std::chrono::days>(due);  // UTC: s.zone is null
  staff_member backup;
  backup.email = "backup@x.fi";
  backup.roles = {"teacher"};
  backup.absences = {{due_day - std::chrono::days(3), due_day - std::chrono::days(1)}};
  {
    staff_directory dir;  // absent until the day before: the backup gets it
    REQUIRE(dir.add(backup).is_ok());
    CHECK(next_deadline(t, s, due, &dir)->recipients == std::vector<std::string>{"backup@x.fi"});
  }
  backup.absences = {{due_day, due_day + std::chrono::days(7)}};
  staff_directory dir;
  REQUIRE(dir.add(backup).is_ok());
  CHECK(next_deadline(t, s, due, &dir)->recipients == std::vector<std::string>{"boss@x.fi"});
  // Asked later, when the step is overdue: the day it goes out is today's.
  CHECK(next_deadline(t, s, due + std::chrono::days(10), &dir)->recipients ==
        std::vector<std::string>{"backup@x.fi"});
}

TEST_CASE("a crisis escalation passes over a backup neither at work nor on call",
          "[routing][departure]") {
  routing_decision d;
  d.assignees.push_back({"t@x.fi", "T", "nurse", "fi", "backup@x.fi", ""});
  ticket t = make_ticket("T5", request("crisis"), d, day);  // 08:00 UTC, a Tuesday
  REQUIRE(t.is_crisis());
  REQUIRE(mark_notified(t, day).is_ok());
  REQUIRE(record_reminder(t, {"t@x.fi"}, day + std::chrono::minutes(30)).is_ok());
  sla_settings s;
  s.coordinator_email = "boss@x.fi";
  const auto due = next_deadline(t, s, day)->at;  // 09:00 UTC (s.zone is null)
  staff_member backup;
  backup.email = "backup@x.fi";
  backup.roles = {"nurse"};
  working_slot afternoons;
  afternoons.days = {true, true, true, true, true, false, false};
  afternoons.from = std::chrono::hours(12);
  afternoons.to = std::chrono::hours(20);
  backup.working_hours = {afternoons};
  auto escalated_to = [&](const staff_member& b, core::instant at) {
    staff_directory dir;
    REQUIRE(dir.add(b).is_ok());
    return next_deadline(t, s, at, &dir)->recipients;
  };
  CHECK(escalated_to(backup, due) == std::vector<std::string>{"boss@x.fi"});
  // Asked later, when the step is overdue and the backup at work: the backup.
  CHECK(escalated_to(backup, due + std::chrono::hours(4)) ==
        std::vector<std::string>{"backup@x.fi"});
  backup.on_call = true;
  CHECK(escalated_to(backup, due) == std::vector<std::string>{"backup@x.fi"});
  // Any other ticket still goes to the backup, who sees it when back at work.
  ticket studies = reminded_ticket("T6");
  staff_member off = backup;
  off.on_call = false;
  staff_directory dir;
  REQUIRE(dir.add(off).is_ok());
  const auto studies_due = next_deadline(studies, s, day)->at;
  REQUIRE(to_local(studies_due, nullptr).minute_of_day < std::chrono::hours(12));
  CHECK(next_deadline(studies, s, studies_due, &dir)->recipients ==
        std::vector<std::string>{"backup@x.fi"});
}
