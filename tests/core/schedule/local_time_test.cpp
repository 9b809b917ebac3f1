#include "tuki/core/schedule/local_time.hpp"

#include <catch2/catch.hpp>

#include "schedule_test_support.hpp"

using namespace tuki::schedule;
using namespace tuki::schedule::test;

namespace {
struct conversion_row {
  const char* zone;
  int y;
  unsigned m, d;
  int hour, minute;
  const char* expected_utc;
  const char* why;
};
}  // namespace

TEST_CASE("local wall-clock times convert to UTC across zones and DST changes", "[schedule]") {
  const conversion_row rows[] = {
      // 10:00 local stays 10:00 local on both sides of the EU changes of 2026 and 2027.
      {"Europe/Helsinki", 2026, 3, 28, 10, 0, "2026-03-28T08:00Z", "EET before spring change"},
      {"Europe/Helsinki", 2026, 3, 29, 10, 0, "2026-03-29T07:00Z", "EEST on the change day"},
      {"Europe/Helsinki", 2026, 10, 24, 10, 0, "2026-10-24T07:00Z", "EEST before autumn change"},
      {"Europe/Helsinki", 2026, 10, 25, 10, 0, "2026-10-25T08:00Z", "EET on the change day"},
      {"Europe/Helsinki", 2027, 3, 27, 10, 0, "2027-03-27T08:00Z", "EET before 2027 change"},
      {"Europe/Helsinki", 2027, 3, 28, 10, 0, "2027-03-28T07:00Z", "EEST 2027"},
      {"Europe/Helsinki", 2027, 10, 30, 10, 0, "2027-10-30T07:00Z", "EEST end of Oct 2027"},
      {"Europe/Helsinki", 2027, 10, 31, 10, 0, "2027-10-31T08:00Z", "EET 2027-10-31"},
      {"Europe/Stockholm", 2026, 3, 28, 10, 0, "2026-03-28T09:00Z", "CET"},
      {"Europe/Stockholm", 2026, 3, 29, 10, 0, "2026-03-29T08:00Z", "CEST"},
      {"Europe/Stockholm", 2026, 10, 25, 10, 0, "2026-10-25T09:00Z", "CET again"},
      {"Europe/Tallinn", 2026, 3, 29, 10, 0, "2026-03-29T07:00Z", "EEST"},
      {"Europe/Riga", 2026, 10, 25, 10, 0, "2026-10-25T08:00Z", "EET"},
      {"Europe/Vilnius", 2027, 3, 28, 10, 0, "2027-03-28T07:00Z", "EEST"},
      {"America/New_York", 2026, 3, 7, 10, 0, "2026-03-07T15:00Z", "EST"},
      {"America/New_York", 2026, 3, 8, 10, 0, "2026-03-08T14:00Z", "EDT (US change day)"},
      {"America/New_York", 2026, 11, 1, 10, 0, "2026-11-01T15:00Z", "EST again"},
      {"Asia/Kolkata", 2026, 3, 29, 10, 0, "2026-03-29T04:30Z", "IST, no DST, +05:30"},
      {"Pacific/Auckland", 2026, 4, 4, 10, 0, "2026-04-03T21:00Z", "NZDT (southern summer)"},
      {"Pacific/Auckland", 2026, 4, 5, 10, 0, "2026-04-04T22:00Z", "NZST after April change"},
      {"Pacific/Auckland", 2026, 9, 27, 10, 0, "2026-09-26T21:00Z", "NZDT after Sept change"},
      // Spring gap: the wall-clock time does not exist; it moves forward by the gap (1 h).
      {"Europe/Helsinki", 2026, 3, 29, 3, 30, "2026-03-29T01:30Z", "gap: reads 04:30 EEST"},
      {"Europe/Helsinki", 2027, 3, 28, 3, 15, "2027-03-28T01:15Z", "gap 2027: 04:15 EEST"},
      {"Europe/Stockholm", 2026, 3, 29, 2, 30, "2026-03-29T01:30Z", "gap: reads 03:30 CEST"},
      {"America/New_York", 2026, 3, 8, 2, 30, "2026-03-08T07:30Z", "gap: reads 03:30 EDT"},
      {"Pacific/Auckland", 2026, 9, 27, 2, 30, "2026-09-26T14:30Z", "gap: reads 03:30 NZDT"},
      // Autumn overlap: the wall-clock time happens twice; the first one (summer offset) wins.
      {"Europe/Helsinki", 2026, 10, 25, 3, 30, "2026-10-25T00:30Z", "ambiguous: EEST"},
      {"Europe/Stockholm", 2026, 10, 25, 2, 30, "2026-10-25T00:30Z", "ambiguous: CEST"},
      {"Europe/Helsinki", 2027, 10, 31, 3, 30, "2027-10-31T00:30Z", "ambiguous 2027: EEST"},
      {"America/New_York", 2026, 11, 1, 1, 30, "2026-11-01T05:30Z", "ambiguous: EDT"},
      {"Pacific/Auckland", 2026, 4, 5, 2, 30, "2026-04-04T13:30Z", "ambiguous: NZDT"},
  };
  for (const auto& r : rows) {
    INFO(r.zone << " " << r.y << "-" << r.m << "-" << r.d << " " << r.hour << ":" << r.minute
                << " (" << r.why << ")");
    const auto& tz = zone(r.zone);
    auto t = to_instant(day(r.y, r.m, r.d), time_of_day::at(r.hour, r.minute), tz);
    CHECK(utc_text(t) == r.expected_utc);
  }
}

TEST_CASE("local_day is the calendar day in the given zone", "[schedule]") {
  // 2026-12-31T22:30Z is already New Year's Day in Helsinki but not in New York.
  auto t = utc(2026, 12, 31, 22, 30);
  CHECK(local_day(t, zone("Europe/Helsinki")) == day(2027, 1, 1));
  CHECK(local_day(t, zone("America/New_York")) == day(2026, 12, 31));
  CHECK(local_day(t, zone("Pacific/Auckland")) == day(2027, 1, 1));
  CHECK(local_day(utc(2026, 12, 31, 18, 29), zone("Asia/Kolkata")) == day(2026, 12, 31));
  CHECK(local_day(utc(2026, 12, 31, 18, 30), zone("Asia/Kolkata")) == day(2027, 1, 1));
}
