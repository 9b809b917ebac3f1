#pragma once
// A Prometheus histogram of durations with fixed bucket bounds: how long requests took. The
// bounds (seconds) are the ones an operator asks about for an SMS gateway's callbacks: 1 ms to
// 10 s, with 5 ms (the inbound latency target, docs/performance.md) among them.
// Not thread-safe: the owner (app::metrics) holds the lock.
#include <array>
#include <chrono>
#include <cstdint>
#include <string>

namespace tuki::app {

class latency_histogram {
 public:
  static constexpr std::array<double, 13> bounds{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                 0.25,  0.5,    1.0,   2.5,  5.0,   10.0};

  void observe(std::chrono::nanoseconds took);

  /// `name`_bucket (cumulative, with le="+Inf"), `name`_sum (seconds) and `name`_count lines,
  /// each with `labels` (e.g. `route="gateway_inbound"`) first. No HELP or TYPE lines.
  std::string render(const std::string& name, const std::string& labels) const;

  std::uint64_t count() const { return count_; }

 private:
  std::array<std::uint64_t, bounds.size()> in_bucket_{};  // not cumulative; above the last: count_
  std::uint64_t count_ = 0;
  std::int64_t sum_ns_ = 0;
};

}  // namespace tuki::app
