#include "tuki/core/schedule/quiet_hours.hpp"

#include <catch2/catch.hpp>

#include "schedule_test_support.hpp"

using namespace tuki::schedule;
using namespace tuki::schedule::test;
using namespace std::chrono_literals;

TEST_CASE("next_allowed moves quiet-hour messages to the next sending window", "[schedule]") {
  const auto& hel = zone("Europe/Helsinki");
  quiet_hours q;  // 08:00-20:00, every day
  holiday_calendar holidays({{day(2026, 12, 24), day(2026, 12, 26), "Joulu"}});
  quiet_hours weekdays_only = q;
  weekdays_only.weekdays = weekday_set::work_days();

  struct row {
    const char* what;
    tuki::core::instant due;
    const quiet_hours* rules;
    const char* expected;
  };
  const row rows[] = {
      {"inside the window: unchanged", utc(2026, 9, 16, 7, 0), &q, "2026-09-16 10:00 EEST"},
      {"21:30 waits until 08:00 next day", utc(2026, 9, 16, 18, 30), &q, "2026-09-17 08:00 EEST"},
      {"07:00 waits until 08:00 same day", utc(2026, 9, 16, 4, 0), &q, "2026-09-16 08:00 EEST"},
      {"20:00 itself is quiet", utc(2026, 9, 16, 17, 0), &q, "2026-09-17 08:00 EEST"},
      {"19:59 is allowed", utc(2026, 9, 16, 16, 59), &q, "2026-09-16 19:59 EEST"},
      {"Friday 21:30 waits until Monday", utc(2026, 9, 18, 18, 30), &weekdays_only,
       "2026-09-21 08:00 EEST"},
      {"Saturday noon waits until Monday", utc(2026, 9, 19, 9, 0), &weekdays_only,
       "2026-09-21 08:00 EEST"},
      {"the evening before a holiday skips it", utc(2026, 12, 23, 19, 30), &q,
       "2026-12-27 08:00 EET"},
      {"inside a holiday skips it", utc(2026, 12, 25, 10, 0), &q, "2026-12-27 08:00 EET"},
      {"spring change night: 08:00 EEST", utc(2026, 3, 28, 19, 30), &q, "2026-03-29 08:00 EEST"},
      {"autumn change night: 08:00 EET", utc(2026, 10, 24, 18, 30), &q, "2026-10-25 08:00 EET"},
      {"New Year's Eve 22:00 -> 1 Jan", utc(2026, 12, 31, 20, 0), &q, "2027-01-01 08:00 EET"},
  };
  for (const auto& r : rows) {
    INFO(r.what << ": due " << local_text(r.due, hel));
    auto got = next_allowed(r.due, *r.rules, hel, holidays);
    REQUIRE(got);
    CHECK(local_text(*got, hel) == r.expected);
    CHECK(is_allowed(*got, *r.rules, hel, holidays));
    CHECK(*got >= r.due);
  }
}

TEST_CASE("quiet hours follow the student's own zone", "[schedule]") {
  quiet_hours q;
  holiday_calendar none;
  // 2026-09-16T18:30Z is 21:30 in Helsinki (quiet) but 14:30 in New York (allowed)
  // and 00:00 in Kolkata (quiet until 08:00 IST).
  auto due = utc(2026, 9, 16, 18, 30);
  CHECK_FALSE(is_allowed(due, q, zone("Europe/Helsinki"), none));
  CHECK(is_allowed(due, q, zone("America/New_York"), none));
  CHECK(local_text(*next_allowed(due, q, zone("Asia/Kolkata"), none), zone("Asia/Kolkata")) ==
        "2026-09-17 08:00 IST");
  CHECK(local_text(*next_allowed(due, q, zone("Pacific/Auckland"), none),
                   zone("Pacific/Auckland")) == "2026-09-17 08:00 NZST");
  CHECK(local_text(*next_allowed(due, q, zone("Europe/Stockholm"), none),
                   zone("Europe/Stockholm")) == "2026-09-17 08:00 CEST");
}

TEST_CASE("replies inside the reply window may break quiet hours", "[schedule]") {
  const auto& hel = zone("Europe/Helsinki");
  quiet_hours q;  // reply window 30 min
  holiday_calendar holidays({{day(2026, 12, 24), day(2026, 12, 26), "Joulu"}});
  auto inbound = utc(2026, 9, 16, 19, 10);  // 22:10 local, quiet
  CHECK(allowed_now(inbound + 1min, inbound, q, hel, holidays));
  CHECK(allowed_now(inbound + 30min, inbound, q, hel, holidays));
  CHECK_FALSE(allowed_now(inbound + 31min, inbound, q, hel, holidays));
  CHECK_FALSE(allowed_now(inbound - 1min, inbound, q, hel, holidays));  // inbound after due
  CHECK_FALSE(allowed_now(inbound + 1min, std::nullopt, q, hel, holidays));
  // The exception also covers holidays: the student started the conversation.
  auto xmas = utc(2026, 12, 25, 12, 0);
  CHECK_FALSE(allowed_now(xmas, std::nullopt, q, hel, holidays));
  CHECK(allowed_now(xmas, xmas - 5min, q, hel, holidays));
  // Outside the window, ordinary rules still apply.
  CHECK(allowed_now(utc(2026, 9, 16, 9, 0), std::nullopt, q, hel, holidays));
  quiet_hours no_window = q;
  no_window.reply_window = 0min;
  CHECK_FALSE(allowed_now(inbound, inbound, no_window, hel, holidays));
}

TEST_CASE("next_allowed gives up when no day is allowed", "[schedule]") {
  quiet_hours never;
  never.weekdays = weekday_set{};
  CHECK_FALSE(next_allowed(utc(2026, 9, 16), never, zone("Europe/Helsinki"), {}));
}
