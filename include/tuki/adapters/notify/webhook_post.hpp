#pragma once
// One blocking HTTP POST of a webhook body (libcurl easy). Call it from a worker thread (the
// webhook worker), never from the I/O thread. Thread-safety: reentrant.
#include <atomic>
#include <string>
#include <vector>

#include "tuki/core/http_message.hpp"
#include "tuki/core/status.hpp"

namespace tuki::adapters {

struct webhook_answer {
  int status = 0;           // the HTTP status (any)
  std::string retry_after;  // its Retry-After header's value, empty when none
};

/// The receiver's answer, or `unavailable` with curl's message when no answer came
/// (connection refused, timeout, TLS failure). The answer body is discarded. When `cancel`
/// (not owned; may be null) becomes true, the post is cut short within about a second (curl
/// looks at it at least once a second while it waits) and `unavailable` is returned: a
/// stopping service does not wait out a receiver that hangs.
core::result<webhook_answer> post_webhook(const std::string& url,
                                          const std::vector<core::http_header>& headers,
                                          const std::string& body, long timeout_ms = 10'000,
                                          const std::atomic<bool>* cancel = nullptr);

}  // namespace tuki::adapters
