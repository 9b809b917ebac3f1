#include "tuki/app/outbox_decision.hpp"

#include <algorithm>
#include <cmath>

#include "tuki/core/effect.hpp"
#include "tuki/core/retry_after.hpp"

namespace tuki::app {

core::duration backoff_delay(const retry_policy& policy, int attempt, double u, bool crisis) {
  const double base_ms = static_cast<double>(policy.base.count());
  const double cap_ms =
      static_cast<double>((crisis ? std::min(policy.cap, policy.crisis_cap) : policy.cap).count());
  const double raw = base_ms * std::ldexp(1.0, std::clamp(attempt, 0, 30));
  const double factor = 1.0 - policy.jitter + 2.0 * policy.jitter * std::clamp(u, 0.0, 1.0);
  const auto ms = static_cast<long long>(std::min(raw, cap_ms) * factor);
  return std::chrono::duration_cast<core::duration>(std::chrono::milliseconds(ms));
}

adapters::send_result with_retry_after(adapters::send_result result,
                                       const core::http_response& answer) {
  if (answer.status == 429 || answer.status == 503)
    result.retry_after = std::string(answer.header("Retry-After"));
  return result;
}

outbox_decision decide_send_outcome(const adapters::send_result& result, int attempt,
                                    const retry_policy& policy, core::instant now, double u,
                                    int priority) {
  outbox_decision d;
  switch (result.outcome) {
    case adapters::send_outcome::accepted:
      d.status = "sent";
      // The gateway's own id (Twilio's SID, GatewayAPI's id) in the `sent` history row, so that
      // an operator can find the message in the gateway's logs.
      d.detail = result.gateway_ref.empty() ? result.detail
                 : result.detail.empty()    ? "gateway id " + result.gateway_ref
                                            : result.detail + "; gateway id " + result.gateway_ref;
      break;
    case adapters::send_outcome::retryable:
      if (policy.max_attempts == 0 || attempt < policy.max_attempts || result.account_refused) {
        const bool crisis = priority == static_cast<int>(core::sms_priority::crisis);
        auto delay = backoff_delay(policy, attempt, u, crisis);
        // The gateway asked for a pause (429, 503): trying sooner only meets the same answer.
        const auto cap = crisis ? std::min(policy.cap, policy.crisis_cap) : policy.cap;
        if (auto asked = result.retry_after.empty()
                             ? std::nullopt
                             : core::parse_retry_after(result.retry_after, now))
          delay = std::max(delay, std::min(*asked, core::duration(cap)));
        d.status = "queued";
        d.retry_at = now + delay;
        d.detail = result.detail;
      } else {
        d.status = "failed";
        d.detail = "gave up after " + std::to_string(attempt) + " attempts: " + result.detail;
      }
      break;
    case adapters::send_outcome::permanent:
      d.status = "failed";
      d.detail = result.detail;
      d.delivery_failure = true;
      break;
    case adapters::send_outcome::opted_out:
      d.status = "failed";
      d.detail = "opted out: " + result.detail;
      d.opted_out = true;
      break;
  }
  return d;
}

namespace {

// A message longer than the bucket's burst takes the whole burst (it could never fit otherwise).
double tokens_needed(const core::token_bucket& bucket, int segments) {
  return std::min<double>(std::max(1, segments), std::max(1.0, bucket.burst()));
}

}  // namespace

bool bucket_ready(core::token_bucket& bucket, int segments, core::token_bucket::clock_point now) {
  return bucket.wait_for(tokens_needed(bucket, segments), now) == std::chrono::nanoseconds::zero();
}

std::chrono::nanoseconds take_or_wait(core::token_bucket& bucket, int segments,
                                      core::token_bucket::clock_point now) {
  const double need = tokens_needed(bucket, segments);
  auto wait = bucket.wait_for(need, now);
  if (wait > std::chrono::nanoseconds::zero()) return wait;
  if (bucket.try_take(need, now)) return std::chrono::nanoseconds::zero();
  return std::chrono::nanoseconds(1000);  // rounding at the edge: ask again a moment later
}

}  // namespace tuki::app
