#pragma once
// Keeps the outbox's priority order across a gateway outage. During an outage each message
// backs off on its own (up to 10 minutes; a crisis message up to 30 s), so when the gateway is
// back the messages would go out in the order their backoffs end, and a crisis reply could wait
// behind a campaign. A gateway shows that it is back with a whole window of answers (one store
// job's worth) that has acceptances and no retryable answer (429, 5xx, timeout...), after a
// window with a retryable answer or as its first such window after start (backoffs may be left
// from before): the pump then makes every retry waiting for that gateway due at once
// (sqlite_store::resume_gateway), and the claims' priority order (crisis, replies, bulk) holds
// again. A window with both acceptances and retryable answers (a throttling gateway accepting
// one in four) is not a recovery: its retries keep their backoff, which protects the gateway.
//
// Use: note() each decision of a window, recovered() for the gateways to resume in the job that
// stores the window, and commit() once that job is stored (not before: a window whose store
// failed and is tried again must not count yet). Pure state, used on the outbox thread only.
#include <string>
#include <string_view>
#include <vector>

#include "tuki/app/outbox_decision.hpp"

namespace tuki::app {

class gateway_recovery {
 public:
  /// Counts one send's decision on `gateway` into the current window.
  void note(std::string_view gateway, const outbox_decision& d);
  /// The gateways the current window shows back: accepted sends, no retryable answer, and not
  /// known healthy (in trouble before, or not seen since start). Changes nothing.
  [[nodiscard]] std::vector<std::string> recovered() const;
  /// The current window is stored: its gateways' health follows it (in trouble after a
  /// retryable answer, healthy after a window of acceptances only) and a new window begins.
  void commit();

 private:
  struct gateway_state {
    std::string name;
    bool healthy = false;  // false: in trouble, or not seen since start
    int accepted = 0;      // in the current window
    int retryable = 0;     // in the current window
  };
  std::vector<gateway_state> gateways_;  // few gateways: a scan beats a hash
};

}  // namespace tuki::app
