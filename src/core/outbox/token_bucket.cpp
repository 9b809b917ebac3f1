#include "tuki/core/outbox/token_bucket.hpp"

#include <algorithm>

namespace tuki::core {

token_bucket::token_bucket(double rate, double burst, clock_point now)
    : rate_(rate), burst_(burst > 0 ? burst : std::max(1.0, rate)), tokens_(burst_), last_(now) {}

void token_bucket::refill(clock_point now) {
  if (now <= last_) return;
  double secs = std::chrono::duration<double>(now - last_).count();
  tokens_ = std::min(burst_, tokens_ + secs * rate_);
  last_ = now;
}

bool token_bucket::try_take(double segments, clock_point now) {
  if (unlimited()) return true;
  refill(now);
  if (tokens_ + 1e-9 < segments) return false;
  tokens_ -= segments;
  return true;
}

std::chrono::nanoseconds token_bucket::wait_for(double segments, clock_point now) {
  if (unlimited()) return std::chrono::nanoseconds::zero();
  refill(now);
  double missing = segments - tokens_;
  if (missing <= 0) return std::chrono::nanoseconds::zero();
  return std::chrono::nanoseconds(static_cast<std::int64_t>(missing / rate_ * 1e9) + 1);
}

}  // namespace tuki::core
