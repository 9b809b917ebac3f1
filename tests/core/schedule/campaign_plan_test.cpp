#include "tuki/core/schedule/campaign_plan.hpp"

#include <catch2/catch.hpp>

#include "schedule_test_support.hpp"
#include "tuki/core/schedule/local_time.hpp"

using namespace tuki::schedule;
using namespace tuki::schedule::test;
using namespace std::chrono_literals;
using tuki::core::instant;

namespace {
campaign_settings helsinki_settings() {
  campaign_settings s;
  s.institution_zone = &zone("Europe/Helsinki");
  s.quiet.weekdays = weekday_set::work_days();
  s.holidays = holiday_calendar({{day(2026, 12, 6), day(2026, 12, 6), "Itsenäisyyspäivä"},
                                 {day(2026, 12, 21), day(2027, 1, 6), "Joululoma"}});
  s.fair.capacity_per_day = 60;
  s.fair.need_rate = 0.03;
  return s;
}

// Checks that hold for every plan: each candidate exactly once, days non-decreasing and within
// capacity, sends allowed in the student's zone and not before now.
void check_invariants(const campaign_plan& plan, std::span<const campaign_candidate> candidates,
                      const campaign_settings& s, instant now, std::size_t check_every = 1) {
  REQUIRE(plan.sends.size() + plan.skipped.size() == candidates.size());
  std::vector<int> seen(candidates.size(), 0);
  for (const auto& p : plan.sends) ++seen[p.candidate];
  for (const auto& k : plan.skipped) ++seen[k.candidate];
  CHECK(std::count(seen.begin(), seen.end(), 1) == static_cast<long>(candidates.size()));
  std::vector<std::uint64_t> per_day(plan.days.size(), 0);
  for (std::size_t i = 0; i < plan.sends.size(); ++i) {
    const auto& p = plan.sends[i];
    REQUIRE(p.day < plan.days.size());
    ++per_day[p.day];
    if (i > 0) REQUIRE(plan.sends[i - 1].day <= p.day);
    if (i % check_every != 0) continue;
    const auto& tz =
        candidates[p.candidate].zone ? *candidates[p.candidate].zone : *s.institution_zone;
    INFO("send " << i << " at " << local_text(p.at, tz));
    REQUIRE(p.at >= now);
    REQUIRE(is_allowed(p.at, s.quiet, tz, s.holidays));
    REQUIRE(p.at.time_since_epoch() % 1s == 0ms);
  }
  for (std::size_t k = 0; k < per_day.size(); ++k) {
    INFO("day " << k << ": " << per_day[k] << " students");
    CHECK(per_day[k] > 0);
    if (plan.per_day > 0) {
      CHECK(per_day[k] <= plan.per_day);
      CHECK(static_cast<double>(per_day[k]) * s.fair.need_rate <= s.fair.capacity_per_day + 1e-9);
    }
    CHECK(s.quiet.weekdays.contains(date::weekday{plan.days[k]}));
    CHECK_FALSE(s.holidays.contains(plan.days[k]));
    if (k > 0) CHECK(plan.days[k - 1] < plan.days[k]);
  }
}
}  // namespace

TEST_CASE("10,000 students at need rate 0.03 and capacity 60 take 5 days of 2,000", "[schedule]") {
  auto s = helsinki_settings();
  std::vector<campaign_candidate> students(10'000);
  auto now = utc(2026, 9, 14, 5, 0);  // Monday 08:00 EEST
  auto plan = plan_campaign(students, s, now);
  REQUIRE(plan);
  CHECK(plan->per_day == 2000);
  CHECK(plan->sends.size() == 10'000);
  CHECK(plan->skipped.empty());
  CHECK(plan->days == std::vector<date::local_days>{day(2026, 9, 14), day(2026, 9, 15),
                                                    day(2026, 9, 16), day(2026, 9, 17),
                                                    day(2026, 9, 18)});
  check_invariants(*plan, students, s, now);
  // Each day is spread over the whole window: first at 08:00, last shortly before 20:00.
  const auto& hel = *s.institution_zone;
  CHECK(local_text(plan->sends[0].at, hel) == "2026-09-14 08:00 EEST");
  CHECK(local_text(plan->sends[1999].at, hel) == "2026-09-14 19:59 EEST");
  CHECK(local_text(plan->sends[1000].at, hel) == "2026-09-14 14:00 EEST");
  CHECK(local_text(plan->sends[2000].at, hel) == "2026-09-15 08:00 EEST");
  for (std::size_t i = 1; i < 2000; ++i) {
    REQUIRE(plan->sends[i].at - plan->sends[i - 1].at >= 21s);  // 12 h / 2000 = 21.6 s
  }
}

TEST_CASE("staggering skips weekends and holidays and crosses the year end", "[schedule]") {
  auto s = helsinki_settings();
  std::vector<campaign_candidate> students(7'000);
  auto now = utc(2026, 12, 17, 15, 0);  // Thursday 17:00 EET: 3 h of window left
  auto plan = plan_campaign(students, s, now);
  REQUIRE(plan);
  // Thu 17 Dec, Fri 18 Dec, then the Christmas break (21 Dec - 6 Jan), Thu 7 and Fri 8 Jan.
  CHECK(plan->days == std::vector<date::local_days>{day(2026, 12, 17), day(2026, 12, 18),
                                                    day(2027, 1, 7), day(2027, 1, 8)});
  check_invariants(*plan, students, s, now);
  CHECK(plan->sends[0].at == now);  // day 0 starts now, not at 08:00
  CHECK(local_text(plan->sends[1999].at, *s.institution_zone).substr(11, 2) == "19");
}

TEST_CASE("the first campaign day is today only with enough window left", "[schedule]") {
  auto s = helsinki_settings();
  std::vector<campaign_candidate> students(10);
  struct row {
    const char* what;
    instant now;
    date::local_days first_day;
    const char* first_send;
  };
  const row rows[] = {
      {"before the window: today 08:00", utc(2026, 9, 15, 3, 0), day(2026, 9, 15),
       "2026-09-15 08:00 EEST"},
      {"mid-morning: today, from now", utc(2026, 9, 15, 6, 30), day(2026, 9, 15),
       "2026-09-15 09:30 EEST"},
      {"18:30: less than 2 h left, tomorrow", utc(2026, 9, 15, 15, 30), day(2026, 9, 16),
       "2026-09-16 08:00 EEST"},
      {"Friday evening: Monday", utc(2026, 9, 18, 16, 0), day(2026, 9, 21),
       "2026-09-21 08:00 EEST"},
      {"Sunday: Monday", utc(2026, 9, 20, 9, 0), day(2026, 9, 21), "2026-09-21 08:00 EEST"},
      {"Independence Day: next day", utc(2026, 12, 6, 6, 0), day(2026, 12, 7),
       "2026-12-07 08:00 EET"},
  };
  for (const auto& r : rows) {
    INFO(r.what);
    auto plan = plan_campaign(students, s, r.now);
    REQUIRE(plan);
    REQUIRE(plan->days.size() == 1);
    CHECK(plan->days[0] == r.first_day);
    CHECK(local_text(plan->sends[0].at, *s.institution_zone) == r.first_send);
    check_invariants(*plan, students, s, r.now);
  }
}

TEST_CASE("skips say why: opted out, paused, active, capped", "[schedule]") {
  auto s = helsinki_settings();
  auto now = utc(2026, 9, 15, 6, 0);
  std::vector<campaign_candidate> c(9);
  c[1].opted_out = true;
  c[2].paused_until = now + 1h;
  c[3].paused_until = now;  // the pause has ended
  c[4].has_active_session = true;
  c[5].last_checkin = now - 6 * 24h;  // within 7 days: capped
  c[6].last_checkin = now - 7 * 24h;  // exactly 7 days ago: allowed
  c[7].opted_out = true;              // several reasons: the first in enum order wins
  c[7].has_active_session = true;
  c[8].has_active_session = true;
  c[8].last_checkin = now - 1h;
  auto plan = plan_campaign(c, s, now);
  REQUIRE(plan);
  std::vector<std::pair<std::uint32_t, std::string_view>> skipped;
  for (auto k : plan->skipped) skipped.emplace_back(k.candidate, to_string(k.reason));
  CHECK(skipped == std::vector<std::pair<std::uint32_t, std::string_view>>{{1, "opted_out"},
                                                                           {2, "paused"},
                                                                           {4, "active"},
                                                                           {5, "capped"},
                                                                           {7, "opted_out"},
                                                                           {8, "active"}});
  std::vector<std::uint32_t> sent;
  for (auto p : plan->sends) sent.push_back(p.candidate);
  CHECK(sent == std::vector<std::uint32_t>{0, 3, 6});
  check_invariants(*plan, c, s, now);
}

TEST_CASE("students get their sends inside their own quiet hours", "[schedule]") {
  auto s = helsinki_settings();
  s.quiet.weekdays = weekday_set::all();
  std::vector<campaign_candidate> c;
  const char* names[] = {"Europe/Helsinki",  "Europe/Stockholm", "Asia/Kolkata",
                         "America/New_York", "Pacific/Auckland", "Europe/Riga"};
  for (int i = 0; i < 600; ++i) {
    campaign_candidate x;
    x.zone = i % 7 == 6 ? nullptr : &zone(names[i % 6]);
    c.push_back(x);
  }
  auto now = utc(2026, 9, 15, 8, 30);  // 11:30 in Helsinki; 20:30 NZST in Auckland
  auto plan = plan_campaign(c, s, now);
  REQUIRE(plan);
  check_invariants(*plan, c, s, now);
  int auckland = 0;
  for (const auto& p : plan->sends) {
    if (c[p.candidate].zone != &zone("Pacific/Auckland")) continue;
    ++auckland;
    // Auckland's 15 Sept window closed at 08:00Z: its students wait for 16 Sept 08:00 NZST.
    CHECK(local_text(p.at, zone("Pacific/Auckland")).substr(0, 10) == "2026-09-16");
  }
  CHECK(auckland == 86);
}

TEST_CASE("no staggering at need rate 0; invalid settings are errors", "[schedule]") {
  auto s = helsinki_settings();
  s.fair.need_rate = 0;
  std::vector<campaign_candidate> c(5000);
  auto now = utc(2026, 9, 15, 3, 0);
  auto plan = plan_campaign(c, s, now);
  REQUIRE(plan);
  CHECK(plan->per_day == 0);
  CHECK(plan->days.size() == 1);
  check_invariants(*plan, c, s, now);
  CHECK(plan_campaign({}, s, now)->days.empty());

  auto bad = helsinki_settings();
  bad.fair.capacity_per_day = 0;
  CHECK(plan_campaign(c, bad, now).error().message() ==
        "campaign settings: capacity_per_day must be >= 1, got 0");
  bad = helsinki_settings();
  bad.fair.need_rate = 1.5;
  CHECK(plan_campaign(c, bad, now).error().message() ==
        "campaign settings: need_rate must be in [0, 1], got 1.500000");
  bad = helsinki_settings();
  bad.institution_zone = nullptr;
  CHECK(plan_campaign(c, bad, now).error().message() ==
        "campaign settings: institution_zone is required");
  bad = helsinki_settings();
  bad.quiet.weekdays = weekday_set{};
  CHECK_FALSE(plan_campaign(c, bad, now));
  bad = helsinki_settings();
  bad.holidays = holiday_calendar({{day(2026, 1, 1), day(2030, 1, 1), "forever"}});
  CHECK(plan_campaign(c, bad, now).error().message() ==
        "campaign: no allowed sending day within two years");
}

TEST_CASE("a 100,000-student campaign is planned with every invariant", "[schedule]") {
  auto s = helsinki_settings();
  s.fair.need_rate = 0.028;  // 60 / 0.028 = 2142 per day
  const char* names[] = {"Europe/Helsinki", "Europe/Stockholm", "Europe/Tallinn",
                         "Europe/Riga",     "Europe/Vilnius",   "America/New_York",
                         "Asia/Kolkata",    "Pacific/Auckland"};
  auto now = utc(2026, 10, 20, 5, 0);  // crosses the autumn DST change on 25 Oct
  std::vector<campaign_candidate> c(100'000);
  for (std::size_t i = 0; i < c.size(); ++i) {
    // Mostly the institution's zone, in runs, as a store would return them.
    c[i].zone = (i / 100) % 10 < 7 ? nullptr : &zone(names[(i / 100) % 8]);
    if (i % 50 == 0)
      c[i].opted_out = true;
    else if (i % 31 == 0)
      c[i].has_active_session = true;
    else if (i % 17 == 0)
      c[i].last_checkin = now - 3 * 24h;
    else if (i % 23 == 0)
      c[i].last_checkin = now - 30 * 24h;  // long ago: fine
    else if (i % 29 == 0)
      c[i].paused_until = now + 24h;
  }
  auto plan = plan_campaign(c, s, now);
  REQUIRE(plan);
  CHECK(plan->per_day == 2142);
  // Those checked in 3 days ago are capped on the days of the first four days' batches (Tue-Fri:
  // fewer than 7 days) and planned from the fifth on (next Monday: 7 days on).
  std::size_t accepted = 0, expected_skips = 0, capped_late = 0;
  for (const auto& x : c) {
    if (x.opted_out || x.has_active_session || x.paused_until) {
      ++expected_skips;
      continue;
    }
    const auto k = accepted / 2142;
    REQUIRE(k < plan->days.size());
    if (x.last_checkin &&
        plan->days[k] - local_day(*x.last_checkin, *s.institution_zone) < date::days{7}) {
      ++expected_skips;
      continue;
    }
    capped_late += x.last_checkin && *x.last_checkin > now - 7 * 24h;
    ++accepted;
  }
  CHECK(capped_late > 3'000);  // planned on their own, later day
  CHECK(plan->skipped.size() == expected_skips);
  CHECK(plan->sends.size() == accepted);
  CHECK(plan->days.size() == (accepted + 2141) / 2142);
  check_invariants(*plan, c, s, now, 7);
}

TEST_CASE("the stagger gives slots one student at a time, finding days as they are reached",
          "[schedule]") {
  auto s = helsinki_settings();  // 2,000 students a day on work days
  const auto now = utc(2026, 12, 3, 7, 0);  // Thursday 09:00 in Helsinki
  const auto* stockholm = &zone("Europe/Stockholm");
  auto g = campaign_stagger::start(s, now, 4'500);
  REQUIRE(g);
  CHECK(g->per_day() == 2'000);
  CHECK(g->days().empty());
  std::vector<campaign_stagger::slot> helsinki_slots;
  for (int i = 0; i < 4'500; ++i) {
    const bool own_zone = i % 3 == 0;
    auto slot = g->next(own_zone ? stockholm : nullptr);
    REQUIRE(slot);
    REQUIRE(slot->day == static_cast<std::uint32_t>(i / 2'000));
    REQUIRE(g->days().size() == static_cast<std::size_t>(i / 2'000 + 1));
    REQUIRE(is_allowed(slot->at, s.quiet, own_zone ? *stockholm : *s.institution_zone, s.holidays));
    if (!own_zone && slot->day == 0) helsinki_slots.push_back(*slot);
  }
  // Thursday, Friday, then Monday (the weekend is skipped); Sunday 6 December is a holiday too.
  CHECK(g->days() == std::vector<date::local_days>{day(2026, 12, 3), day(2026, 12, 4), day(2026, 12, 7)});
  for (std::size_t i = 1; i < helsinki_slots.size(); ++i)
    REQUIRE(helsinki_slots[i - 1].at <= helsinki_slots[i].at);
  CHECK_FALSE(g->next(nullptr));  // more slots than students counted

  s.quiet.weekdays = weekday_set{}.add(date::Saturday);
  s.holidays = holiday_calendar({{day(2026, 12, 1), day(2029, 1, 1), "closed"}});
  auto closed = campaign_stagger::start(s, now, 1);
  REQUIRE(closed);  // the days are searched when the first student needs one
  auto none = closed->next(nullptr);
  REQUIRE_FALSE(none);
  CHECK(none.error().message().find("no allowed sending day") != std::string::npos);
}

TEST_CASE("the gap between check-ins counts calendar days in the institution's zone",
          "[schedule]") {
  const auto& hki = zone("Europe/Helsinki");
  // Tuesday 2026-11-24 10:00 Helsinki; last Tuesday's sends at 17:30 and 21:59 local.
  const auto now = utc(2026, 11, 24, 8, 0);
  CHECK(gap_allows(utc(2026, 11, 17, 15, 30), now, std::chrono::days{7}, hki));
  CHECK(gap_allows(utc(2026, 11, 17, 19, 59), now, std::chrono::days{7}, hki));
  // 21:59 UTC on Tuesday is already Wednesday in Helsinki: six days.
  CHECK_FALSE(gap_allows(utc(2026, 11, 17, 22, 30), now, std::chrono::days{7}, hki));
  CHECK_FALSE(gap_allows(utc(2026, 11, 18, 6, 0), now, std::chrono::days{7}, hki));
  CHECK(gap_allows(utc(2026, 11, 23, 6, 0), now, std::chrono::days{1}, hki));
  CHECK_FALSE(gap_allows(utc(2026, 11, 24, 6, 0), now, std::chrono::days{1}, hki));
}

TEST_CASE("a student's cap is judged on its own campaign day, and a capped one takes no slot",
          "[schedule]") {
  auto s = helsinki_settings();
  s.fair.capacity_per_day = 1;
  s.fair.need_rate = 0.5;                   // 2 students a day
  const auto now = utc(2026, 9, 15, 6, 0);  // Tuesday 09:00 in Helsinki
  std::vector<campaign_candidate> c(7);
  // Staggered to Wednesday: last Wednesday's check-in is 7 days before it (6 before today).
  c[2].last_checkin = utc(2026, 9, 9, 14, 0);
  // Last Thursday's is 6 days before Wednesday: capped, and Wednesday's slot goes to c[4].
  c[3].last_checkin = utc(2026, 9, 10, 7, 0);
  c[5].last_checkin = utc(2026, 9, 14, 7, 0);  // Monday: capped on Thursday too
  auto plan = plan_campaign(c, s, now);
  REQUIRE(plan);
  std::vector<std::pair<std::uint32_t, std::uint32_t>> sent;  // (candidate, day)
  for (auto p : plan->sends) sent.emplace_back(p.candidate, p.day);
  CHECK(sent == std::vector<std::pair<std::uint32_t, std::uint32_t>>{
                    {0, 0}, {1, 0}, {2, 1}, {4, 1}, {6, 2}});
  std::vector<std::pair<std::uint32_t, std::string_view>> skipped;
  for (auto k : plan->skipped) skipped.emplace_back(k.candidate, to_string(k.reason));
  CHECK(skipped ==
        std::vector<std::pair<std::uint32_t, std::string_view>>{{3, "capped"}, {5, "capped"}});
  CHECK(plan->days ==
        std::vector<date::local_days>{day(2026, 9, 15), day(2026, 9, 16), day(2026, 9, 17)});
  check_invariants(*plan, c, s, now);
}
