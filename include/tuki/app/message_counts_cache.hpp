#pragma once
// The message counts of GET /metrics, reused between scrapes so that counting costs the read
// thread a bounded share of its time. Counting by status reads every message (there is no index
// that could answer it, and counts kept by triggers would cost every SMS about 6.5 µs of the
// writer): 0.3 s at 570,000 messages, and it grows with the history. A scrape counts again only
// when the last count is at least `cost_multiple` times as old as it took, so counting uses at
// most about 1/(cost_multiple + 1) of the read thread however often Prometheus scrapes: with a
// small store every scrape counts afresh; at 570,000 messages the counts are up to 6 s old.
// `/metrics` shows their age (tuki_message_counts_age_seconds).
//
// Pure: the caller passes the times (steady clock). Thread-safety: one thread (the io thread).
#include <chrono>
#include <optional>
#include <vector>

#include "tuki/adapters/store/sqlite_store.hpp"

namespace tuki::app {

class message_counts_cache {
 public:
  using clock = std::chrono::steady_clock;
  static constexpr int cost_multiple = 20;

  /// Whether a scrape at `now` should count: when there are no counts yet, or when none is
  /// running and the last one is old enough for its cost. A scrape that should count calls
  /// begin() and then stored() or failed(); the others use counts() as they are.
  bool due(clock::time_point now) const;
  void begin() { running_ = true; }
  /// A count read from the store between `started` and `finished`.
  void stored(std::vector<adapters::message_count> counts, clock::time_point started,
              clock::time_point finished);
  /// The count failed: the next scrape tries again.
  void failed() { running_ = false; }

  /// The last counts (empty before the first).
  const std::vector<adapters::message_count>& counts() const { return counts_; }
  /// How old they are at `now` (as of the start of their count); none before the first.
  std::optional<clock::duration> age(clock::time_point now) const;

 private:
  std::vector<adapters::message_count> counts_;
  std::optional<clock::time_point> started_;
  clock::duration took_{};
  bool running_ = false;
};

}  // namespace tuki::app
