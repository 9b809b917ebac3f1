#include "tuki/app/message_counts_cache.hpp"

namespace tuki::app {

bool message_counts_cache::due(clock::time_point now) const {
  if (!started_) return true;  // nothing to show yet: every scrape counts until one succeeds
  if (running_) return false;
  return now - *started_ >= took_ * cost_multiple;
}

void message_counts_cache::stored(std::vector<adapters::message_count> counts,
                                  clock::time_point started, clock::time_point finished) {
  counts_ = std::move(counts);
  started_ = started;
  took_ = finished - started;
  running_ = false;
}

std::optional<message_counts_cache::clock::duration> message_counts_cache::age(
    clock::time_point now) const {
  if (!started_) return std::nullopt;
  return now - *started_;
}

}  // namespace tuki::app
