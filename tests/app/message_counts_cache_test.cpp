// When /metrics counts messages again: the cache's decisions at chosen times (no clock is read).
#include "tuki/app/message_counts_cache.hpp"

#include <catch2/catch.hpp>

using namespace tuki;
using app::message_counts_cache;
using namespace std::chrono_literals;

namespace {

std::vector<adapters::message_count> counts(std::int64_t received) {
  return {{"in", "received", received}};
}

}  // namespace

TEST_CASE("message counts are reused until they are 20 times as old as their count took",
          "[metrics][message_counts_cache]") {
  const message_counts_cache::clock::time_point t0{};
  message_counts_cache cache;
  CHECK(cache.due(t0));
  CHECK_FALSE(cache.age(t0));
  CHECK(cache.counts().empty());

  cache.begin();
  cache.stored(counts(7), t0, t0 + 10ms);  // a count of 10 ms
  CHECK(cache.counts().size() == 1);
  CHECK(cache.counts()[0].count == 7);
  CHECK_FALSE(cache.due(t0 + 199ms));
  CHECK(cache.due(t0 + 200ms));
  CHECK(*cache.age(t0 + 150ms) == 150ms);

  // A slower count waits longer: 20 times 300 ms.
  cache.begin();
  cache.stored(counts(9), t0 + 200ms, t0 + 500ms);
  CHECK(cache.counts()[0].count == 9);
  CHECK_FALSE(cache.due(t0 + 6199ms));
  CHECK(cache.due(t0 + 6200ms));
}

TEST_CASE("a running count is not started twice, and a failed one is tried again",
          "[metrics][message_counts_cache]") {
  const message_counts_cache::clock::time_point t0{};
  message_counts_cache cache;
  // Before any counts exist, a second scrape counts too: it has nothing else to show.
  cache.begin();
  CHECK(cache.due(t0 + 1ms));
  cache.failed();
  CHECK(cache.due(t0 + 1ms));

  cache.begin();
  cache.stored(counts(3), t0, t0 + 1ms);
  // Old enough, but another scrape is counting: this one shows the last counts.
  cache.begin();
  CHECK_FALSE(cache.due(t0 + 1h));
  CHECK(cache.counts()[0].count == 3);
  cache.failed();
  CHECK(cache.due(t0 + 1h));
  CHECK(cache.counts()[0].count == 3);  // a failed count keeps the last ones
}
