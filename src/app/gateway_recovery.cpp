#include "tuki/app/gateway_recovery.hpp"

#include <algorithm>

namespace tuki::app {

void gateway_recovery::note(std::string_view gateway, const outbox_decision& d) {
  auto it = std::find_if(gateways_.begin(), gateways_.end(),
                         [&](const gateway_state& g) { return g.name == gateway; });
  if (it == gateways_.end()) it = gateways_.insert(gateways_.end(), {std::string(gateway)});
  // "queued" is a retryable failure, and so is a "failed" that gave up after its attempts (no
  // delivery failure): both say the gateway is in trouble. A permanent refusal (an invalid
  // number, an opted-out recipient) says nothing about the gateway.
  const bool gave_up = d.status == "failed" && !d.delivery_failure && !d.opted_out;
  if (d.status == "queued" || gave_up)
    ++it->retryable;
  else if (d.status == "sent")
    ++it->accepted;
}

std::vector<std::string> gateway_recovery::recovered() const {
  std::vector<std::string> out;
  for (const auto& g : gateways_)
    if (!g.healthy && g.accepted > 0 && g.retryable == 0) out.push_back(g.name);
  return out;
}

void gateway_recovery::commit() {
  for (auto& g : gateways_) {
    if (g.retryable > 0)
      g.healthy = false;
    else if (g.accepted > 0)
      g.healthy = true;
    g.accepted = 0;
    g.retryable = 0;
  }
}

}  // namespace tuki::app
