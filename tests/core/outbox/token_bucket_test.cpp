#include "tuki/core/outbox/token_bucket.hpp"

#include <catch2/catch.hpp>

using namespace tuki::core;
using namespace std::chrono_literals;

TEST_CASE("token bucket holds its rate on a fake clock", "[core][rate]") {
  auto t = std::chrono::steady_clock::time_point{};
  token_bucket b(100, 100, t);  // 100 segments/s, burst 100
  int taken = 0;
  while (b.try_take(1, t)) ++taken;
  CHECK(taken == 100);  // the initial burst
  CHECK_FALSE(b.try_take(1, t));
  CHECK(b.wait_for(1, t) > 0ns);
  CHECK(b.wait_for(1, t) <= 10ms + 1ns);
  // Over a simulated minute, taking whenever allowed, the rate is exactly 100/s after the burst.
  taken = 0;
  for (auto now = t; now < t + 60s; now += 1ms)
    while (b.try_take(1, now)) ++taken;
  CHECK(taken >= 5999);
  CHECK(taken <= 6000);
  // A 3-segment message waits for 3 tokens.
  token_bucket c(10, 3, t);
  CHECK(c.try_take(3, t));
  CHECK_FALSE(c.try_take(3, t + 200ms));
  CHECK(c.try_take(3, t + 300ms));
  token_bucket unlimited(0, 0, t);
  for (int i = 0; i < 1000; ++i) CHECK(unlimited.try_take(5, t));
}
