#pragma once
// Webhook notices (pure): the JSON body for a generic receiver, Microsoft Teams (Adaptive Card
// through an incoming webhook / Workflows) or Slack (incoming webhook: `text` + blocks), and the
// signature headers
//   X-Tuki-Timestamp: <unix seconds>
//   X-Tuki-Signature: sha256=<lower-case hex HMAC-SHA256(secret, "<timestamp>.<body>")>
// Same privacy default as email: the student's words only when the institution opts in.
// Sending and retrying is the app's job; after_failed_webhook() says when to try again.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tuki/core/http_message.hpp"
#include "tuki/core/instant.hpp"
#include "tuki/core/routing/staff_notice.hpp"
#include "tuki/core/status.hpp"

namespace tuki::routing {

enum class webhook_format { generic, teams, slack };

std::optional<webhook_format> parse_webhook_format(std::string_view s);

/// The request body (compact JSON, UTF-8). `language` selects the wording (notice_language).
std::string webhook_body(webhook_format format, const staff_notice& notice,
                         std::string_view language);

/// Content-Type, X-Tuki-Timestamp and X-Tuki-Signature for `body` sent at `now`.
std::vector<core::http_header> webhook_headers(std::string_view secret, std::string_view body,
                                               core::instant now);

/// A receiver's check (also used by tuki's own tests and tools): the signature matches in
/// constant time and the timestamp is within `tolerance` of `now` (replay window).
/// unauthenticated on any mismatch or malformed header.
core::status verify_webhook(std::string_view secret, std::string_view timestamp_header,
                            std::string_view signature_header, std::string_view body,
                            core::instant now, core::duration tolerance = std::chrono::minutes(5));

/// Exponential backoff with "equal jitter": for attempt k (1 = first retry) the delay is
/// d/2 + r * d/2 with d = min(cap, base * 2^(k-1)) and r in [0,1) drawn from `seed` and k
/// (splitmix64), so retries of many webhooks spread out yet the same seed gives the same delays.
core::duration retry_delay(int attempt, std::uint64_t seed,
                           core::duration base = std::chrono::seconds(30),
                           core::duration cap = std::chrono::hours(1));

/// What to do after a webhook delivery failed.
struct webhook_retry {
  /// The receiver refused the notice (an HTTP 4xx other than 408 and 429: a wrong URL, a
  /// revoked token, a proxy's refusal). Retrying alone cannot help, but an operator can fix it,
  /// and a crisis notice must never vanish: it is offered again every hour (webhook_refused_retry)
  /// and the operator is told (`long_outage`) at attempt 1 (or 12, when the refusals began
  /// after failures of another kind) and then daily.
  bool refused = false;
  /// The next attempt comes this long after now.
  core::duration delay{};
  /// The operator is told now: the job has been failing for long (webhook_alert_attempt
  /// attempts, then every webhook_alert_every more), or it was refused (above).
  bool long_outage = false;
};

/// The attempt at which a failing webhook is first reported (with retry_delay's defaults,
/// after 2.5-5 h of failures), and how many attempts later it is reported again (at the cap:
/// a day).
inline constexpr int webhook_alert_attempt = 12;
inline constexpr int webhook_alert_every = 24;

/// The longest wait a receiver's Retry-After can ask for (retry_delay's cap).
inline constexpr std::chrono::hours webhook_retry_after_max{1};
/// How often a refused notice is offered again.
inline constexpr std::chrono::hours webhook_refused_retry{1};
/// The longest a crisis notice waits between attempts.
inline constexpr std::chrono::minutes webhook_crisis_retry_max{5};

/// After failed attempt `attempt` (1-based) of the job `seed` (its id). `http_status`: the
/// receiver's answer, nullopt when none came (connection refused, timeout, TLS failure).
/// Retryable failures (no answer, 408, 429, 5xx and every other non-4xx answer) are retried
/// without end, so an outage of any length delays a notice and never drops it: with
/// retry_delay until webhook_alert_attempt, then every hour (the cap, unjittered: the earlier
/// jitter has spread the jobs already). `retry_after`: the wait the receiver asked for with a
/// 429 or 503 (core::parse_retry_after); it replaces that delay when longer, up to
/// webhook_retry_after_max (Teams and Slack throttle with it: trying sooner only prolongs the
/// throttling). Ignored with any other answer. A `crisis` notice waits at most
/// webhook_crisis_retry_max whatever the backoff or the receiver asks (crisis mail: 30 s).
/// Refusals (any other 4xx) are `refused`: offered again every hour, crisis notices too
/// (as refused mail is).
webhook_retry after_failed_webhook(std::optional<int> http_status, int attempt, std::uint64_t seed,
                                   std::optional<core::duration> retry_after = std::nullopt,
                                   bool crisis = false);

}  // namespace tuki::routing
