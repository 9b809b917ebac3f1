#include "tuki/app/latency_histogram.hpp"

#include <algorithm>
#include <cstdio>

namespace tuki::app {
namespace {

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

}  // namespace

void latency_histogram::observe(std::chrono::nanoseconds took) {
  const auto ns = std::max<std::int64_t>(0, took.count());
  const double seconds = static_cast<double>(ns) / 1e9;
  // The first bound at or above the duration (Prometheus buckets are "less than or equal").
  const auto at = std::lower_bound(bounds.begin(), bounds.end(), seconds);
  if (at != bounds.end()) ++in_bucket_[static_cast<std::size_t>(at - bounds.begin())];
  ++count_;
  sum_ns_ += ns;
}

std::string latency_histogram::render(const std::string& name, const std::string& labels) const {
  std::string out;
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    cumulative += in_bucket_[i];
    out += name + "_bucket{" + labels + ",le=\"" + number(bounds[i]) + "\"} " +
           std::to_string(cumulative) + "\n";
  }
  out += name + "_bucket{" + labels + ",le=\"+Inf\"} " + std::to_string(count_) + "\n";
  out += name + "_sum{" + labels + "} " + number(static_cast<double>(sum_ns_) / 1e9) + "\n";
  out += name + "_count{" + labels + "} " + std::to_string(count_) + "\n";
  return out;
}

}  // namespace tuki::app
