// The mail worker (its own thread): takes due `mail` jobs from the outbox, crisis first
// (adapters::job_priority), sends each with the configured mailer (blocking SMTP), and does what
// decide_mail_outcome says (app/mail_decision.hpp): nothing is dropped.
//  - Sent: done. Recipients the server refused while it took the others are reported (below);
//    those it only deferred (4xx) get a job of their own, so the others do not get it twice.
//  - An outage (down, 4xx, hanging until the 30 s timeout): queued again with backoff
//    (mail_retry_policy: a crisis mail at most 30 s later), and the rest of the batch goes back
//    to the queue untried, so the next claim starts again with the crisis mail, one written
//    meanwhile included, instead of waiting for up to 15 more timeouts. The first send through
//    after the outage makes every waiting retry due (mail_recovery), crisis first.
//  - Refused (5xx to the message or to every recipient): offered again every hour,
//    since a crisis alert must never vanish; the operator hears of it as an error `mail_refused`
//    (code and reply, no address) the first time and daily, the ticket's history says so
//    (NOTIFY_FAILED) and tuki_mail_refused_total counts each refused send.
//  - The login refused: an error `mail_login_refused` naming the settings to fix, once and
//    daily for all jobs; the mail waits with backoff as in an outage.
//  - tuki refused whatever the message (a 5xx greeting or EHLO: a blocklisted address; a 5xx to
//    MAIL FROM: a sender the server does not take): the same, as `mail_server_refused`.
// Before sending, a reminder or escalation whose ticket someone acknowledged or resolved while
// it waited (an outage), a "still open?" of a resolved ticket, and any of the three once the
// ticket went to other people or its recipient left it, is finished unsent
// (routing::superseded_because): the ticket's history says so (NOTICE_SUPERSEDED) and the log
// says `mail_superseded`. Nothing else is ever skipped.
// Webhooks have a thread of their own (pumps/webhook_worker.cpp): a mail outage never holds
// them.

#include <nlohmann/json.hpp>

#include "tuki/app/blocking_write.hpp"
#include "tuki/app/failure_episode.hpp"
#include "tuki/app/log.hpp"
#include "tuki/app/mail_decision.hpp"
#include "tuki/app/outbox_decision.hpp"
#include "tuki/app/service.hpp"
#include "tuki/app/wall_clock.hpp"
#include "tuki/core/routing/queued_notice.hpp"
#include "tuki/core/routing/ticket_json.hpp"

namespace tuki::app {

namespace {

// The last error of a refused job starts with this: resume_jobs leaves it to its own interval.
const std::string refused_mark = "refused: ";

struct superseded_mail {
  std::int64_t job = 0, ticket = 0;
  std::string notice;
};

// The ticket as stored now, for routing::superseded_because. `whole` is false for a ticket
// stored before tickets kept their state (migration 5): it has its status only.
struct ticket_now {
  routing::ticket t;
  bool whole = false;
};

std::optional<ticket_now> load_ticket_now(adapters::sqlite_store& s, std::int64_t id) {
  const auto row = s.get_ticket(id);
  if (!row) return std::nullopt;
  const auto state = s.ticket_state(id);
  if (state && !state->empty())
    if (auto t = routing::ticket_from_json(nlohmann::json::parse(*state, nullptr, false)))
      return ticket_now{std::move(*t), true};
  ticket_now out;
  out.t.status = routing::parse_ticket_status(row->status).value_or(out.t.status);
  return out;
}

// Takes the notices that are out of date (routing::superseded_because) out of `jobs`, finished
// unsent, into `dropped`.
core::status drop_superseded(adapters::sqlite_store& s, std::vector<adapters::outbox_job>& jobs,
                             std::vector<superseded_mail>& dropped, core::instant now) {
  std::vector<adapters::outbox_job> keep;
  for (auto& job : jobs) {
    auto payload = nlohmann::json::parse(job.payload, nullptr, false);
    const std::string notice = payload.is_object() ? payload.value("notice", "") : "";
    const auto ticket = payload.is_object() ? payload.value("ticket_id", std::int64_t{0}) : 0;
    if (!notice.empty() && ticket != 0) {
      const auto now_is = load_ticket_now(s, ticket);
      const auto to = payload.value("recipients", std::vector<std::string>{});
      routing::queued_notice n{notice, "", std::nullopt};
      // Without the ticket's state there are no assignees to check the recipient against.
      if (now_is && now_is->whole && to.size() == 1) n.recipient = to[0];
      if (payload.contains("assigned_at"))
        n.assigned_at = core::from_unix_ms(payload.value("assigned_at", std::int64_t{0}));
      if (const auto why = now_is ? routing::superseded_because(n, now_is->t) : std::nullopt) {
        if (auto st = s.finish_job(job.id); !st) return st;
        (void)s.add_ticket_event(ticket, "NOTICE_SUPERSEDED", "tuki",
                                 notice + " email not sent: " + *why, now);
        dropped.push_back({job.id, ticket, notice});
        continue;
      }
    }
    keep.push_back(std::move(job));
  }
  jobs = std::move(keep);
  return core::status::ok();
}

std::string smtp_answer(const adapters::mail_result& r) {
  if (!r.smtp_code) return "";
  return "SMTP " + std::to_string(r.smtp_code) + (r.reply.empty() ? "" : " " + r.reply);
}

}  // namespace

void service::mail_worker() {
  mail_alerts alerts;
  mail_recovery recovery;
  failure_episode claim_failures("mail_claim_failed");  // a failed claim stops all mail
  while (!stopping_) {
    std::vector<adapters::outbox_job> jobs;
    std::vector<superseded_mail> dropped;
    auto st = run_job(*writes_, [&jobs, &dropped](adapters::sqlite_store& s) {
      const auto now = wall_now();
      jobs = s.claim_jobs("mail", 16, now);
      dropped.clear();  // a job that is rolled back and run again starts afresh
      return drop_superseded(s, jobs, dropped, now);
    });
    if (!stopping_) claim_failures.note(st);  // at a stop the queue refuses new jobs
    if (st)
      for (const auto& d : dropped)
        log_info("mail_superseded", {{"job", std::to_string(d.job)},
                                     {"ticket_id", std::to_string(d.ticket)},
                                     {"notice", d.notice}});
    if (!st || jobs.empty()) {
      if (st && !dropped.empty()) continue;  // a batch of only stale notices: claim the next
      idle_worker();
      continue;
    }
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      const auto& job = jobs[i];
      auto payload = nlohmann::json::parse(job.payload, nullptr, false);
      adapters::mail_message m;
      adapters::mail_result sent;
      if (payload.is_discarded()) {
        sent.status = core::status::invalid_argument("unreadable mail job");
      } else {
        // The envelope sender as configured now, not as when the job was written: after the
        // operator fixes mail.from (mail_server_refused), the waiting mail goes too.
        m.from = cfg_.mail.from.empty() ? payload.value("from", "") : cfg_.mail.from;
        m.recipients = payload.value("recipients", std::vector<std::string>{});
        m.mime = payload.value("mime", "");
        sent = mailer_->send(m);
      }
      std::int64_t ticket = payload.is_discarded() ? 0 : payload.value("ticket_id", std::int64_t{0});
      auto id = job.id;
      int attempt = job.attempts;
      const bool crisis = job.priority == adapters::job_priority::crisis;
      const auto now = wall_now();
      const auto d = decide_mail_outcome(sent, attempt, crisis, now);
      const bool resume = recovery.note(d.verdict);
      const std::size_t all = m.recipients.size();
      const std::size_t refused = sent.refused_recipients.size();
      const std::size_t deferred = sent.deferred_recipients.size();
      // Whom the server deferred while taking the others: a job of their own, same priority.
      std::string later;
      if (d.verdict == mail_verdict::sent && deferred > 0) {
        auto rest = payload;
        rest["recipients"] = sent.deferred_recipients;
        later = rest.dump();
      }
      const bool alert =
          d.verdict == mail_verdict::refused          ? alerts.due(id, now)
          : d.verdict == mail_verdict::login_refused  ? alerts.due(mail_alerts::login_key, now)
          : d.verdict == mail_verdict::server_refused ? alerts.due(mail_alerts::server_key, now)
                                                      : false;
      if (d.verdict == mail_verdict::sent) {
        alerts.forget(id);
        alerts.forget(mail_alerts::login_key);
        alerts.forget(mail_alerts::server_key);
      }
      std::string error = sent.status.message();
      // The rest of the batch, when the server takes no mail now: back to the queue untried.
      std::vector<std::int64_t> untried;
      if (d.release_rest)
        for (std::size_t k = i + 1; k < jobs.size(); ++k) untried.push_back(jobs[k].id);
      const auto priority = job.priority;
      const std::string answer = smtp_answer(sent);
      int resumed = 0;
      // Counted before the job is stored, so that whoever sees it stored sees it counted.
      if (d.verdict == mail_verdict::refused || refused > 0) metrics_.count("mail_refused");
      if (d.verdict == mail_verdict::login_refused) metrics_.count("mail_login_refused");
      if (d.verdict == mail_verdict::server_refused) metrics_.count("mail_server_refused");
      // Stored until it is: a job left `running` would be sent by nobody until a restart.
      auto done = run_job_until_stored(
          *writes_,
          [&, id, ticket, now](adapters::sqlite_store& s) -> core::status {
            // Run again after a failed sync of a commit: what is stored stays stored once.
            auto running = s.job_running(id);
            if (!running) return running.error();
            if (!*running) return core::status::ok();
            for (auto other : untried)
              if (auto r = s.release_job(other); !r) return r;
            if (d.verdict == mail_verdict::sent) {
              if (ticket) {
                (void)s.add_ticket_event(ticket, "NOTIFIED", "tuki",
                                         refused + deferred == 0
                                             ? std::string("email sent")
                                             : "email sent to " +
                                                   std::to_string(all - refused - deferred) +
                                                   " of " + std::to_string(all) + " recipients",
                                         now);
                if (refused > 0)
                  (void)s.add_ticket_event(ticket, "NOTIFY_FAILED", "tuki",
                                           "email refused for " + std::to_string(refused) + " of " +
                                               std::to_string(all) + " recipients: " + answer,
                                           now);
              }
              if (!later.empty()) {
                auto j = s.enqueue_job("mail", later,
                                       now + backoff_delay(mail_retry_policy, 1, 0.5, crisis), now,
                                       priority);
                if (!j) return j.error();
                if (ticket)
                  (void)s.add_ticket_event(ticket, "NOTIFY_RETRY", "tuki",
                                           "email deferred for " + std::to_string(deferred) +
                                               " of " + std::to_string(all) +
                                               " recipients: tried again",
                                           now);
              }
              if (resume) {
                auto r = s.resume_jobs("mail", now, refused_mark);
                if (!r) return r.error();
                resumed = *r;
              }
              return s.finish_job(id);
            }
            if (d.verdict == mail_verdict::refused) {
              if (ticket && alert)
                (void)s.add_ticket_event(
                    ticket, "NOTIFY_FAILED", "tuki",
                    "email refused, offered again hourly: " + (answer.empty() ? error : answer),
                    now);
              return s.retry_job(id, refused_mark + error, *d.retry_at);
            }
            // The first failure, then about hourly at the 5 min cap: the history says the email is
            // late without a line per retry.
            if (ticket && (attempt == 1 || attempt % 12 == 0))
              (void)s.add_ticket_event(ticket, "NOTIFY_RETRY", "tuki", error, now);
            return s.retry_job(id, error, *d.retry_at);
          },
          stopping_, "mail_job_store_failed");
      const std::string job_id = std::to_string(id), ticket_id = std::to_string(ticket);
      switch (d.verdict) {
        case mail_verdict::sent:
          log_info("mail_sent", {{"job", job_id},
                                 {"ticket_id", ticket_id},
                                 {"recipients", std::to_string(all - refused - deferred)}});
          if (refused > 0) {
            log_error("mail_refused", {{"job", job_id},
                                       {"ticket_id", ticket_id},
                                       {"recipients", std::to_string(all)},
                                       {"refused_recipients", std::to_string(refused)},
                                       {"smtp_code", std::to_string(sent.smtp_code)},
                                       {"reply", sent.reply}});
          }
          if (deferred > 0)
            log_warn("mail_deferred", {{"job", job_id},
                                       {"ticket_id", ticket_id},
                                       {"deferred_recipients", std::to_string(deferred)}});
          break;
        case mail_verdict::refused:
          if (alert)
            log_error("mail_refused", {{"job", job_id},
                                       {"ticket_id", ticket_id},
                                       {"crisis", crisis ? "true" : "false"},
                                       {"attempt", std::to_string(attempt)},
                                       {"recipients", std::to_string(all)},
                                       {"smtp_code", std::to_string(sent.smtp_code)},
                                       {"reply", sent.reply},
                                       {"error", error},
                                       {"retry", "hourly"}});
          break;
        case mail_verdict::login_refused:
          if (alert) {
            log_error("mail_login_refused",
                      {{"job", job_id},
                       {"smtp_code", std::to_string(sent.smtp_code)},
                       {"reply", sent.reply},
                       {"error", error},
                       {"fix", "check mail.username and mail.password, then restart tuki"}});
            break;
          }
          [[fallthrough]];
        case mail_verdict::server_refused:
          if (d.verdict == mail_verdict::server_refused && alert) {
            log_error("mail_server_refused",
                      {{"job", job_id},
                       {"smtp_code", std::to_string(sent.smtp_code)},
                       {"reply", sent.reply},
                       {"error", error},
                       {"fix",
                        "the mail server refuses tuki's mail whatever the message: check "
                        "mail.from, and that the server takes mail from this host"}});
            break;
          }
          [[fallthrough]];
        case mail_verdict::deferred:
          log_warn("mail_deferred", {{"job", job_id},
                                     {"attempt", std::to_string(attempt)},
                                     {"crisis", crisis ? "true" : "false"},
                                     {"untried", std::to_string(untried.size())},
                                     {"error", error}});
          break;
      }
      if (resumed > 0)
        log_info("mail_resumed", {{"after_job", job_id}, {"jobs", std::to_string(resumed)}});
      if (!done) break;  // stopping: start-up queues the rest of the batch again
      if (!untried.empty()) break;
    }
  }
}

void service::idle_worker() {
  for (int i = 0; i < 5 && !stopping_; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

}  // namespace tuki::app
