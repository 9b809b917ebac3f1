#pragma once
// Keeps the outbox's priority order across a gateway outage. During an outage each message
// backs off on its own (up to 10 minutes; a crisis message up to 30 s), so when the gateway is
// back the messages would go out in the order their backoffs end, and a crisis reply could wait
// behind a campaign. The first message a gateway accepts after a retryable failure, or the first
// after start (backoffs may be left from before), shows that it is back: the pump then makes
// every retry waiting for that gateway due at once (sqlite_store::resume_gateway), and the
// claims' priority order (crisis, replies, bulk) holds again.
//
// Pure state, used on the outbox thread only.
#include <string>
#include <string_view>
#include <vector>

#include "tuki/app/outbox_decision.hpp"

namespace tuki::app {

class gateway_recovery {
 public:
  /// Notes one send's decision on `gateway`; true when the gateway has just come back (or
  /// accepted its first message since start): the caller resumes its waiting retries.
  bool note(std::string_view gateway, const outbox_decision& d);

 private:
  std::vector<std::string> healthy_;  // few gateways: a scan beats a hash
};

}  // namespace tuki::app
