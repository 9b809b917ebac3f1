#include <catch2/catch.hpp>

#include "routing_test_support.hpp"
#include "tuki/core/routing/queued_notice.hpp"

using namespace tuki;
using namespace tuki::routing;
using tuki::routing::testing::fresh;
using tuki::routing::testing::to;
using tuki::routing::testing::utc;

namespace {

const core::instant opened = utc("2025-03-04T08:00:00Z");
const core::instant later = utc("2025-03-05T09:00:00Z");

ticket opened_ticket(std::vector<std::string> emails = {"t@x.fi"}) {
  auto t = fresh(std::move(emails));
  REQUIRE(mark_notified(t, opened).is_ok());
  return t;
}

queued_notice notice(std::string_view kind, std::string_view to = "t@x.fi",
                     std::optional<core::instant> assigned_at = opened) {
  return {kind, to, assigned_at};
}

}  // namespace

TEST_CASE("queued notice: a reminder or escalation is out of date once the ticket is acknowledged",
          "[routing][mail]") {
  auto t = opened_ticket();
  for (auto kind : {"reminder", "escalation", "still_open"})
    CHECK_FALSE(superseded_because(notice(kind), t));
  REQUIRE(acknowledge(t, "t@x.fi", later).is_ok());
  CHECK(superseded_because(notice("reminder"), t) == "the ticket is ACKNOWLEDGED already");
  CHECK(superseded_because(notice("escalation", "boss@x.fi"), t) ==
        "the ticket is ACKNOWLEDGED already");
  // "Still open?" is asked of acknowledged tickets: it goes until the ticket is resolved.
  CHECK_FALSE(superseded_because(notice("still_open"), t));
  REQUIRE(resolve(t, "t@x.fi", "", later).is_ok());
  CHECK(superseded_because(notice("still_open"), t) == "the ticket is RESOLVED already");
}

TEST_CASE("queued notice: the SLA's notices of an assignment that is over are out of date",
          "[routing][mail]") {
  auto t = opened_ticket();
  REQUIRE(reassign(t, "t@x.fi", "nurse", to({"n@x.fi"}, "nurse"), later).is_ok());
  for (auto kind : {"reminder", "escalation", "still_open"})
    CHECK(superseded_because(notice(kind, "boss@x.fi"), t) ==
          "the ticket was assigned again since");
  // Queued for the new assignment: it goes.
  CHECK_FALSE(superseded_because(notice("reminder", "n@x.fi", t.assigned_at), t));
  // A job written before jobs carried the assignment: the recipient is still checked.
  CHECK(superseded_because(notice("reminder", "t@x.fi", std::nullopt), t) ==
        "the recipient is no longer on the ticket");
  CHECK_FALSE(superseded_because(notice("reminder", "N@x.fi", std::nullopt), t));
}

TEST_CASE("queued notice: a reminder to someone who left a shared ticket is out of date",
          "[routing][mail]") {
  auto t = opened_ticket({"a@x.fi", "b@x.fi"});
  // "Not mine" from a: b keeps the ticket, same assignment (the SLA clock stays).
  REQUIRE(mark_misrouted(t, "a@x.fi", routing_decision{}, later).is_ok());
  REQUIRE(t.assigned_at == opened);
  CHECK(superseded_because(notice("reminder", "a@x.fi"), t) ==
        "the recipient is no longer on the ticket");
  CHECK(superseded_because(notice("still_open", "a@x.fi"), t) ==
        "the recipient is no longer on the ticket");
  CHECK_FALSE(superseded_because(notice("reminder", "b@x.fi"), t));
  // Escalations go to people who are not assignees by design; unknown recipients are not checked.
  CHECK_FALSE(superseded_because(notice("escalation", "boss@x.fi"), t));
  CHECK_FALSE(superseded_because(notice("reminder", ""), t));
}

TEST_CASE("queued notice: every other kind always goes", "[routing][mail]") {
  auto t = opened_ticket();
  REQUIRE(reassign(t, "t@x.fi", "nurse", to({"n@x.fi"}, "nurse"), later).is_ok());
  REQUIRE(acknowledge(t, "n@x.fi", later).is_ok());
  REQUIRE(resolve(t, "n@x.fi", "", later).is_ok());
  for (auto kind : {"new_ticket", "student_wrote", "unregistered_crisis", "", "something_new"})
    CHECK_FALSE(superseded_because(notice(kind, "t@x.fi"), t));
}
