#include "tuki/app/gateway_recovery.hpp"

#include <algorithm>

namespace tuki::app {

bool gateway_recovery::note(std::string_view gateway, const outbox_decision& d) {
  auto it = std::find(healthy_.begin(), healthy_.end(), gateway);
  if (d.status == "queued") {  // a retryable failure: the gateway is (still) in trouble
    if (it != healthy_.end()) healthy_.erase(it);
    return false;
  }
  if (d.status != "sent" || it != healthy_.end()) return false;
  healthy_.emplace_back(gateway);
  return true;
}

}  // namespace tuki::app
