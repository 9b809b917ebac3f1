#include "tuki/app/metrics.hpp"

namespace tuki::app {

void metrics::count_http(const std::string& route, int status, std::chrono::nanoseconds took) {
  std::lock_guard lock(mutex_);
  ++http_[{route, status}];
  durations_[route].observe(took);
}

void metrics::count(const std::string& name, std::uint64_t by) {
  std::lock_guard lock(mutex_);
  counters_[name] += by;
}

std::string metrics::render(const std::vector<adapters::message_count>& messages,
                            std::int64_t outbox_depth) const {
  std::lock_guard lock(mutex_);
  std::string out;
  out += "# HELP tuki_http_requests_total HTTP requests by route and status.\n";
  out += "# TYPE tuki_http_requests_total counter\n";
  for (const auto& [k, v] : http_)
    out += "tuki_http_requests_total{route=\"" + k.first + "\",status=\"" + std::to_string(k.second) +
           "\"} " + std::to_string(v) + "\n";
  out += "# HELP tuki_http_request_duration_seconds From a request read to its response written, by route.\n";
  out += "# TYPE tuki_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : durations_)
    out += h.render("tuki_http_request_duration_seconds", "route=\"" + route + "\"");
  out += "# HELP tuki_messages_total Stored messages by direction and current status.\n";
  out += "# TYPE tuki_messages_total gauge\n";
  for (const auto& m : messages)
    out += "tuki_messages_total{direction=\"" + m.direction + "\",status=\"" + m.status + "\"} " +
           std::to_string(m.count) + "\n";
  out += "# HELP tuki_outbox_depth Outbound SMS and jobs not yet carried out.\n";
  out += "# TYPE tuki_outbox_depth gauge\n";
  out += "tuki_outbox_depth " + std::to_string(outbox_depth) + "\n";
  for (const auto& [k, v] : counters_) {
    out += "# TYPE tuki_" + k + "_total counter\n";
    out += "tuki_" + k + "_total " + std::to_string(v) + "\n";
  }
  return out;
}

}  // namespace tuki::app
