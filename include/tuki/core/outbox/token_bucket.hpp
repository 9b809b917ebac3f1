#pragma once
// A token bucket counted in SMS segments: `rate` segments per second refill continuously up to
// `burst`. Pure: the caller passes the (steady) time. Used per gateway by the outbox pump.
#include <chrono>
#include <cstdint>

namespace tuki::core {

class token_bucket {
 public:
  using clock_point = std::chrono::steady_clock::time_point;

  /// `rate` <= 0 means unlimited. `burst` defaults to one second's worth (at least 1).
  token_bucket(double rate, double burst, clock_point now);

  /// Takes `segments` if available now; false (nothing taken) otherwise.
  bool try_take(double segments, clock_point now);
  /// How long until `segments` are available (zero when they are now).
  std::chrono::nanoseconds wait_for(double segments, clock_point now);
  bool unlimited() const { return rate_ <= 0; }
  double burst() const { return burst_; }

 private:
  void refill(clock_point now);
  double rate_;
  double burst_;
  double tokens_;
  clock_point last_;
};

}  // namespace tuki::core
