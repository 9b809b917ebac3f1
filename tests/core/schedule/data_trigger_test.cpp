#include "tuki/core/schedule/data_trigger.hpp"

#include <catch2/catch.hpp>

#include "schedule_test_support.hpp"

using namespace tuki::schedule;
using namespace tuki::schedule::test;

namespace {
trigger_rule absences_rule() {
  trigger_rule r;
  r.id = "absences";
  r.dialog = "absence_checkin";
  r.event = "absence";
  r.comparison = trigger_comparison::at_least;
  r.threshold = 5;
  r.within_days = 14;
  return r;
}

std::vector<student_event> absences_on(std::initializer_list<unsigned> september_days,
                                       double value = 1) {
  std::vector<student_event> out;
  for (auto d : september_days) out.push_back({"s1", "absence", day(2026, 9, d), value});
  return out;
}
}  // namespace

TEST_CASE("absences >= 5 within 14 days fires once, on the fifth absence", "[schedule]") {
  auto rule = absences_rule();
  auto events = absences_on({1, 2, 3, 4, 5, 6, 7});
  auto first = next_firing(rule, events, std::nullopt);
  REQUIRE(first);
  CHECK(*first == day(2026, 9, 5));
  // The sixth and seventh absence are in the same window: no second firing.
  CHECK_FALSE(next_firing(rule, events, first));
  CHECK(all_firings(rule, events) == std::vector<date::local_days>{day(2026, 9, 5)});
}

TEST_CASE("the window is the firing day and the 13 days before it", "[schedule]") {
  auto rule = absences_rule();
  CHECK(all_firings(rule, absences_on({1, 2, 3, 4, 14})) ==
        std::vector<date::local_days>{day(2026, 9, 14)});
  CHECK(all_firings(rule, absences_on({1, 2, 3, 4, 15})).empty());  // Sept 1 has left the window
  CHECK(all_firings(rule, absences_on({1, 5, 9, 13, 17, 21})).empty());  // never 5 in 14 days
  CHECK(all_firings(rule, absences_on({1, 4, 7, 10, 13})) ==
        std::vector<date::local_days>{day(2026, 9, 13)});
}

TEST_CASE("five new absences after a firing fire again", "[schedule]") {
  auto rule = absences_rule();
  auto events = absences_on({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
  CHECK(all_firings(rule, events) ==
        std::vector<date::local_days>{day(2026, 9, 5), day(2026, 9, 10)});
  CHECK(*next_firing(rule, events, day(2026, 9, 5)) == day(2026, 9, 10));
  CHECK_FALSE(next_firing(rule, events, day(2026, 9, 10)));
  // A stored firing day in the middle of a burst: earlier events no longer count.
  CHECK(*next_firing(rule, events, day(2026, 9, 3)) == day(2026, 9, 8));
}

TEST_CASE("events are aggregated by value or count, per day, in any order", "[schedule]") {
  auto rule = absences_rule();
  std::vector<student_event> events{
      {"s1", "absence", day(2026, 9, 10), 2},
      {"s1", "late_assignment", day(2026, 9, 2), 10},  // other kinds are ignored
      {"s1", "absence", day(2026, 9, 1), 3},
  };
  CHECK(all_firings(rule, events) == std::vector<date::local_days>{day(2026, 9, 10)});
  rule.aggregate = trigger_aggregate::count;
  CHECK(all_firings(rule, events).empty());
  // Several events on one day count together, evaluated at the end of that day.
  auto same_day = absences_on({3, 3, 3, 3, 3, 3});
  CHECK(all_firings(rule, same_day) == std::vector<date::local_days>{day(2026, 9, 3)});
  rule.comparison = trigger_comparison::more_than;
  CHECK(all_firings(rule, absences_on({1, 2, 3, 4, 5})).empty());
  CHECK(all_firings(rule, absences_on({1, 2, 3, 4, 5, 6})) ==
        std::vector<date::local_days>{day(2026, 9, 6)});
}

TEST_CASE("comparisons below a threshold are evaluated on event days only", "[schedule]") {
  trigger_rule low;
  low.event = "attendance_rate";
  low.aggregate = trigger_aggregate::sum;
  low.comparison = trigger_comparison::less_than;
  low.threshold = 0.5;
  low.within_days = 1;  // the day's own value
  std::vector<student_event> events{{"s1", "attendance_rate", day(2026, 9, 7), 0.9},
                                    {"s1", "attendance_rate", day(2026, 9, 14), 0.4},
                                    {"s1", "attendance_rate", day(2026, 9, 21), 0.3}};
  CHECK(all_firings(low, events) ==
        std::vector<date::local_days>{day(2026, 9, 14), day(2026, 9, 21)});
  CHECK(all_firings(low, {}).empty());
}

TEST_CASE("comparison and aggregate names parse", "[schedule]") {
  CHECK(parse_comparison(">=").value() == trigger_comparison::at_least);
  CHECK(parse_comparison("<").value() == trigger_comparison::less_than);
  CHECK(parse_comparison("=>").error().message() == "expected one of >=, >, <=, <, got \"=>\"");
  CHECK(parse_aggregate("count").value() == trigger_aggregate::count);
  CHECK(parse_aggregate("avg").error().message() == "expected sum or count, got \"avg\"");
}

TEST_CASE("latest_firing: the last episode of a backlog, each counted once", "[schedule]") {
  trigger_rule r;
  r.event = "absence";
  r.aggregate = trigger_aggregate::count;
  r.threshold = 2;
  r.within_days = 14;
  std::vector<student_event> ev{{"s", "absence", day(2026, 9, 1), 1},
                                {"s", "absence", day(2026, 9, 3), 1},
                                {"s", "absence", day(2026, 10, 1), 1},
                                {"s", "absence", day(2026, 10, 5), 1},
                                {"s", "absence", day(2026, 12, 1), 1}};
  CHECK(next_firing(r, ev, std::nullopt) == day(2026, 9, 3));
  CHECK(latest_firing(r, ev, std::nullopt) == day(2026, 10, 5));
  CHECK(latest_firing(r, ev, day(2026, 10, 5)) == std::nullopt);  // December's one absence
  ev.push_back({"s", "absence", day(2026, 12, 3), 1});
  CHECK(latest_firing(r, ev, day(2026, 10, 5)) == day(2026, 12, 3));
  CHECK(latest_firing(r, {}, std::nullopt) == std::nullopt);
}
