// Retry-After: seconds or an HTTP-date, read against an explicit `now`.
#include "tuki/core/retry_after.hpp"

#include <catch2/catch.hpp>

using namespace tuki;
using std::chrono::seconds;

namespace {

// Sun, 06 Nov 1994 08:49:37 GMT
const core::instant then = core::from_unix_ms(784'111'777'000);

}  // namespace

TEST_CASE("Retry-After in seconds", "[webhook]") {
  CHECK(core::parse_retry_after("120", then) == seconds(120));
  CHECK(core::parse_retry_after(" 0 ", then) == seconds(0));
  CHECK(core::parse_retry_after("99999999999999", then) >= seconds(999'999'999));
  CHECK_FALSE(core::parse_retry_after("-5", then));
  CHECK_FALSE(core::parse_retry_after("1.5", then));
  CHECK_FALSE(core::parse_retry_after("", then));
  CHECK_FALSE(core::parse_retry_after("soon", then));
}

TEST_CASE("Retry-After as an HTTP-date in each of its three forms", "[webhook]") {
  const auto now = then - seconds(90);
  CHECK(core::parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now) == seconds(90));
  CHECK(core::parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", then + seconds(5)) ==
        seconds(0));  // past: no wait
  CHECK(core::parse_retry_after("Mon, 07 Nov 1994 08:49:37 GMT", now) == seconds(90 + 86'400));
  // RFC 850, its two-digit year read as 20xx.
  CHECK(core::parse_retry_after("Tuesday, 08-Dec-26 10:00:00 GMT",
                                core::from_unix_ms(1'796'723'940'000)) == seconds(60));
  CHECK(core::parse_retry_after("Sun Nov  6 08:49:37 1994", now) == seconds(90));
  CHECK_FALSE(core::parse_retry_after("Sun, 31 Nov 1994 08:49:37 GMT", now));  // no such day
  CHECK_FALSE(core::parse_retry_after("Sun, 06 Nov 1994 25:49:37 GMT", now));
  CHECK_FALSE(core::parse_retry_after("Sun, 06 Foo 1994 08:49:37 GMT", now));
  CHECK_FALSE(core::parse_retry_after("Sun, 06 Nov 1994 08:49:37 CET", now));
}
