#include "tuki/app/outbox_window.hpp"

#include "tuki/app/gateway_opt_out.hpp"
#include "tuki/app/log.hpp"

namespace tuki::app {

core::status store_outbox_window(
    adapters::sqlite_store& s,
    const std::vector<std::pair<std::int64_t, outbox_decision>>& decisions,
    const std::vector<std::int64_t>& students, const std::vector<std::string>& recovered,
    core::instant now, const std::vector<window_opt_out>& opt_outs) {
  // Accepted sends, the usual answer, all at once. A delivery report can overtake the answer
  // to the send: mark_sent keeps its newer state.
  std::vector<std::pair<std::int64_t, std::string>> accepted;
  std::vector<std::int64_t> retried;
  for (const auto& [id, d] : decisions) {
    if (d.status == "sent")
      accepted.emplace_back(id, d.detail);
    else if (d.status == "queued")
      retried.push_back(id);
  }
  if (auto marked = s.mark_sent(accepted, now); !marked) return marked.error();
  for (std::size_t i = 0; i < decisions.size(); ++i) {
    const auto& [id, d] = decisions[i];
    if (d.status == "sent") continue;
    // Only while still `sending`: a delivery report that overtook the answer (a timeout after
    // the gateway accepted) is newer, and its message is not sent again.
    auto applied = s.set_send_outcome(id, d.status, d.detail, now, d.retry_at);
    if (!applied) return applied.error();
    if (!*applied) continue;
    core::status st = core::status::ok();
    // A message to a number without a student (student 0) has no counts to keep.
    const bool has_student = i < students.size() && students[i] != 0;
    if (st && has_student && d.delivery_failure) st = s.record_delivery_failure(id, now);
    if (!st) return st;
  }
  for (const auto& o : opt_outs)
    if (auto st = apply_gateway_opt_out(s, o.student_id, o.gateway, o.detail, now); !st) return st;
  for (const auto& gateway : recovered) {
    auto resumed = s.resume_gateway(gateway, now, retried);
    if (!resumed) return resumed.error();
    if (*resumed > 0)
      log_info("gateway_resumed", {{"gateway", gateway}, {"retries", std::to_string(*resumed)}});
  }
  return core::status::ok();
}

}  // namespace tuki::app
