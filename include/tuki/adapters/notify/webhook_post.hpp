#pragma once
// One blocking HTTP POST of a webhook body (libcurl easy). Call it from a worker thread (the
// mail worker), never from the I/O thread. Thread-safety: reentrant.
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
/// (connection refused, timeout, TLS failure). The answer body is discarded.
core::result<webhook_answer> post_webhook(const std::string& url,
                                          const std::vector<core::http_header>& headers,
                                          const std::string& body, long timeout_ms = 10'000);

}  // namespace tuki::adapters
