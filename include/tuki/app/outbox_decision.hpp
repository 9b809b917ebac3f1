#pragma once
// What the outbox does with a gateway's answer to one send: a pure function of the answer, the
// attempt number, the retry policy, `now` and a random draw, so that retries and backoff are
// tested on explicit times (tests/app/outbox_decision_test.cpp) and the pump only applies it.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "tuki/adapters/gateway/sms_gateway.hpp"
#include "tuki/core/outbox/token_bucket.hpp"
#include "tuki/core/instant.hpp"

namespace tuki::app {

struct retry_policy {
  /// Attempts in all, the first one included; 0: no limit, a retryable message waits until its
  /// validity ends (it then expires), so a gateway outage delays sending but never drops it.
  int max_attempts = 0;
  std::chrono::milliseconds base{1000};         // delay after attempt n: base * 2^n ...
  std::chrono::milliseconds cap{600'000};       // ... at most this (10 min) ...
  std::chrono::milliseconds crisis_cap{30'000}; // ... or this for a crisis message (30 s) ...
  double jitter = 0.25;                         // ... times a factor in [1 - jitter, 1 + jitter)
};

/// Staff mail (the mail worker): 10 s after the first failed attempt, doubling to 5 min; a
/// crisis mail (adapters::job_priority::crisis) at most 30 s, like a crisis SMS, so it goes out
/// within half a minute of the mail server's return. The cap was 43 min: mail waited that long
/// after the server was back. Now the first mail through after an outage, at most 5 min after
/// it, makes the other waiting mail due at once (mail_recovery), crisis first. Retried without
/// end. No jitter: the worker sends one mail at a time anyway.
inline constexpr retry_policy mail_retry_policy{.max_attempts = 0,
                                                .base = std::chrono::milliseconds(5'000),
                                                .cap = std::chrono::milliseconds(300'000),
                                                .crisis_cap = std::chrono::milliseconds(30'000),
                                                .jitter = 0.0};

/// Delay before the next attempt after failed attempt `attempt` (1-based); `u` in [0, 1) is the
/// random draw that places it within the jitter band. `crisis`: capped at crisis_cap.
core::duration backoff_delay(const retry_policy& policy, int attempt, double u, bool crisis = false);

struct outbox_decision {
  std::string status;                     // "sent", "queued" (retry) or "failed"
  std::optional<core::instant> retry_at;  // with "queued"
  std::string detail;  // for the status history (no message text); with "sent", the gateway's id
  bool delivery_failure = false;          // counts against the student (invalid number...)
  bool opted_out = false;                 // the gateway says the recipient blocked us
};

/// `result` with `answer`'s Retry-After header when the answer is a 429 or 503 (a gateway's
/// throttle or maintenance), for decide_send_outcome.
adapters::send_result with_retry_after(adapters::send_result result,
                                       const core::http_response& answer);

/// `attempt` is the attempt just made (1 for the first send). Retryable answers are retried with
/// backoff (with max_attempts 0, until the message expires), else until `max_attempts` attempts
/// were made, then fail ("gave up", not the student's fault: not a delivery failure). A refusal
/// of tuki's account (send_result::account_refused: credentials, a suspended account, a wrong
/// URL) is the operator's to fix and never gives up: it waits until the message expires. Permanent
/// refusals fail at once and count as a delivery failure of the student; opted_out fails and marks
/// the student opted out. `priority` is the message's (core::sms_priority): a crisis message backs
/// off at most crisis_cap. A retry waits at least as long as the answer's Retry-After asks
/// (send_result::retry_after), up to the cap (crisis_cap for a crisis message).
outbox_decision decide_send_outcome(const adapters::send_result& result, int attempt,
                                    const retry_policy& policy, core::instant now, double u,
                                    int priority = 2);

/// Rate limiting of one message of `segments` segments on a gateway's bucket at steady time
/// `now`: takes the tokens and returns zero when they are available, else takes nothing and
/// returns exactly how long to wait before asking again. A message longer than the bucket's
/// burst takes the whole burst (it could never fit otherwise).
std::chrono::nanoseconds take_or_wait(core::token_bucket& bucket, int segments,
                                      core::token_bucket::clock_point now);

/// Whether take_or_wait would take the tokens for `segments` at `now` (nothing is taken).
bool bucket_ready(core::token_bucket& bucket, int segments, core::token_bucket::clock_point now);

/// While the message at the front of a claimed batch waits for its gateway's rate limit, the
/// first message further back that may go now: the first message of another gateway for which
/// `ready(message)` holds (a gateway without a limit is always ready). Only each gateway's first
/// message in the batch is asked, so one gateway's messages keep their order. `end()` when none
/// is. `Queue` holds messages with a `gateway` member (adapters::queued_sms).
template <class Queue, class Ready>
typename Queue::iterator first_ready_elsewhere(Queue& claimed, std::string_view waiting_gateway,
                                               Ready&& ready) {
  std::unordered_set<std::string_view> asked{waiting_gateway};
  for (auto it = claimed.begin(); it != claimed.end(); ++it) {
    if (!asked.insert(it->gateway).second) continue;
    if (ready(*it)) return it;
  }
  return claimed.end();
}

}  // namespace tuki::app
