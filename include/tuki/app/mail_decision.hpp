#pragma once
// What the mail worker does with the mailer's answer to one mail job: a pure function of the
// answer, the attempt, the job's priority and `now` (tests/app/mail_decision_test.cpp), like
// outbox_decision for an SMS; the worker (pumps/mail_worker.cpp) applies it. Nothing is ever
// dropped: a crisis alert that a server refuses today may pass when the mailbox is back or the
// operator has fixed the server, and meanwhile the operator and the ticket's history say so.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>

#include "tuki/adapters/mail/mailer.hpp"
#include "tuki/core/instant.hpp"

namespace tuki::app {

enum class mail_verdict {
  sent,           // accepted (perhaps not for every recipient: see mail_result)
  deferred,       // an outage (no connection, a timeout, a 4xx answer): mail_retry_policy's backoff
  refused,        // the server refuses this message (5xx): again every mail_refused_retry, reported
  login_refused,  // the server refuses tuki's login: the operator's mail settings; backoff as an
                  // outage, so that the mail goes soon after the fix and restart
  server_refused,  // the server refuses tuki itself, whatever the message (a 5xx greeting, a
                   // sender it does not take): as login_refused, the operator's to fix
};

/// How often a message the server refuses is offered again: it will likely be refused again,
/// but a mailbox may come back and a limit be raised, and a crisis mail is never dropped.
inline constexpr std::chrono::hours mail_refused_retry{1};
/// How often the operator hears of a refusal again while it lasts.
inline constexpr std::chrono::hours mail_alert_every{24};

struct mail_decision {
  mail_verdict verdict = mail_verdict::sent;
  std::optional<core::instant> retry_at;  // with every verdict but sent
  /// The server will not take any mail now (an outage, a refused login): the rest of the batch
  /// goes back to the queue untried, so that the next claim starts with the crisis mail.
  bool release_rest = false;
};

/// `attempt`: the attempt just made (1 for the first send); `crisis`: the job's priority.
mail_decision decide_mail_outcome(const adapters::mail_result& result, int attempt, bool crisis,
                                  core::instant now);

/// When the operator hears of a refusal: the first time since start that a job (key: its id),
/// the login (key: login_key) or tuki's mail as a whole (server_key) is refused, then once every
/// mail_alert_every while it lasts, not on every hourly retry. Used by the mail worker only.
class mail_alerts {
 public:
  static constexpr std::int64_t login_key = -1;
  static constexpr std::int64_t server_key = -2;
  /// Whether to report `key`'s refusal at `now`; if so, remembers that it was reported then.
  bool due(std::int64_t key, core::instant now);
  /// `key`'s refusal is over (its job was sent, the login taken): a new one is reported at once.
  void forget(std::int64_t key);

 private:
  std::map<std::int64_t, core::instant> reported_;
};

/// Keeps the claim's crisis-first order across a mail server outage (as gateway_recovery does
/// for SMS): during an outage each mail job backs off on its own (up to 5 min), so without help
/// a ticket's email could wait that long after the server is back. A send that goes through
/// after an outage, or as the first since start (backoffs may be left from before), makes the
/// waiting retries due at once (sqlite_store::resume_jobs); the next claims take them crisis
/// first. A refusal of one message says nothing about the server.
class mail_recovery {
 public:
  /// Counts one send; true when the waiting retries are to be made due now.
  bool note(mail_verdict verdict);

 private:
  bool healthy_ = false;  // false: in an outage, or no send through since start
};

}  // namespace tuki::app
