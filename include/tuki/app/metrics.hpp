#pragma once
// Counters for GET /metrics (Prometheus text format 0.0.4). HTTP counters and request durations
// (a histogram per route) are kept here; message counts and the outbox depth are read from the
// store when scraped.
// Thread-safety: all methods may be called from any thread.
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "tuki/adapters/store/sqlite_store.hpp"
#include "tuki/app/latency_histogram.hpp"

namespace tuki::app {

class metrics {
 public:
  void count_http(const std::string& route, int status, std::chrono::nanoseconds took);
  void count(const std::string& name, std::uint64_t by = 1);
  std::string render(const std::vector<adapters::message_count>& messages,
                     std::int64_t outbox_depth) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, std::uint64_t> http_;
  std::map<std::string, latency_histogram> durations_;  // by route
  std::map<std::string, std::uint64_t> counters_;
};

}  // namespace tuki::app
