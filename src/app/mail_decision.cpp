#include "tuki/app/mail_decision.hpp"

#include "tuki/app/outbox_decision.hpp"

namespace tuki::app {

mail_decision decide_mail_outcome(const adapters::mail_result& result, int attempt, bool crisis,
                                  core::instant now) {
  mail_decision d;
  switch (result.status.error_code()) {
    case core::status::code::ok:
      d.verdict = mail_verdict::sent;
      return d;
    case core::status::code::invalid_argument:
      d.verdict = mail_verdict::refused;
      d.retry_at = now + mail_refused_retry;
      return d;
    case core::status::code::unauthenticated:
      d.verdict = mail_verdict::login_refused;
      d.release_rest = true;
      break;
    case core::status::code::permission_denied:
      d.verdict = mail_verdict::server_refused;
      d.release_rest = true;
      break;
    default:  // unavailable, and anything unforeseen: may pass with time
      d.verdict = mail_verdict::deferred;
      d.release_rest = result.status.error_code() == core::status::code::unavailable;
      break;
  }
  d.retry_at = now + backoff_delay(mail_retry_policy, attempt, 0.5, crisis);
  return d;
}

bool mail_alerts::due(std::int64_t key, core::instant now) {
  auto it = reported_.find(key);
  if (it != reported_.end() && now - it->second < mail_alert_every) return false;
  reported_[key] = now;
  return true;
}

void mail_alerts::forget(std::int64_t key) { reported_.erase(key); }

bool mail_recovery::note(mail_verdict verdict) {
  if (verdict == mail_verdict::deferred || verdict == mail_verdict::login_refused ||
      verdict == mail_verdict::server_refused) {
    healthy_ = false;
    return false;
  }
  if (verdict != mail_verdict::sent || healthy_) return false;
  healthy_ = true;
  return true;
}

}  // namespace tuki::app
