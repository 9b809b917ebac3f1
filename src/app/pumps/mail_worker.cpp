// The mail worker (its own thread): takes due `mail` jobs from the outbox, crisis first
// (adapters::job_priority), sends each with the configured mailer (blocking SMTP), and marks it
// done, or queues it again with backoff (mail_retry_policy: a crisis mail at most 30 s later):
// nothing is dropped. When the server is unavailable (down, or hanging until the 30 s timeout)
// the rest of the batch goes back to the queue untried, so the next claim starts again with the
// crisis mail, one written meanwhile included, instead of waiting for up to 15 more timeouts.
// Webhooks have a thread of their own (pumps/webhook_worker.cpp): a mail outage never holds
// them.
#include <future>

#include <nlohmann/json.hpp>

#include "tuki/app/log.hpp"
#include "tuki/app/outbox_decision.hpp"
#include "tuki/app/service.hpp"
#include "tuki/app/wall_clock.hpp"

namespace tuki::app {

namespace {

core::status run_job(write_queue& q, write_queue::job j) {
  std::promise<core::status> p;
  q.submit(std::move(j), [&p](core::status s) { p.set_value(std::move(s)); });
  return p.get_future().get();
}

}  // namespace

void service::mail_worker() {
  while (!stopping_) {
    std::vector<adapters::outbox_job> jobs;
    auto st = run_job(*writes_, [&jobs](adapters::sqlite_store& s) {
      jobs = s.claim_jobs("mail", 16, wall_now());
      return core::status::ok();
    });
    if (!st || jobs.empty()) {
      idle_worker();
      continue;
    }
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      const auto& job = jobs[i];
      auto payload = nlohmann::json::parse(job.payload, nullptr, false);
      adapters::mail_message m;
      core::status sent;
      if (payload.is_discarded()) {
        sent = core::status::invalid_argument("unreadable mail job");
      } else {
        m.from = payload.value("from", "");
        m.recipients = payload.value("recipients", std::vector<std::string>{});
        m.mime = payload.value("mime", "");
        sent = mailer_->send(m);
      }
      std::int64_t ticket = payload.is_discarded() ? 0 : payload.value("ticket_id", std::int64_t{0});
      auto id = job.id;
      int attempt = job.attempts;
      const bool crisis = job.priority == adapters::job_priority::crisis;
      // The rest of the batch, when the server is unavailable: back to the queue untried.
      std::vector<std::int64_t> untried;
      if (sent.error_code() == core::status::code::unavailable)
        for (std::size_t k = i + 1; k < jobs.size(); ++k) untried.push_back(jobs[k].id);
      auto done = run_job(
          *writes_, [id, attempt, sent, ticket, crisis, &untried](adapters::sqlite_store& s) {
            auto now = wall_now();
            for (auto other : untried)
              if (auto r = s.release_job(other); !r) return r;
            if (sent) {
              if (ticket) (void)s.add_ticket_event(ticket, "NOTIFIED", "tuki", "email sent", now);
              return s.finish_job(id);
            }
            auto delay = backoff_delay(mail_retry_policy, attempt, 0.5, crisis);
            if (ticket)
              (void)s.add_ticket_event(ticket, "NOTIFY_RETRY", "tuki", sent.message(), now);
            return s.retry_job(id, sent.message(), now + delay);
          });
      if (sent) {
        log_info("mail_sent", {{"job", std::to_string(id)}, {"ticket_id", std::to_string(ticket)},
                               {"recipients", std::to_string(m.recipients.size())}});
      } else {
        log_warn("mail_deferred", {{"job", std::to_string(id)},
                                   {"attempt", std::to_string(attempt)},
                                   {"crisis", crisis ? "true" : "false"},
                                   {"untried", std::to_string(untried.size())},
                                   {"error", sent.message()}});
      }
      if (!done) log_error("mail_job_store_failed", {{"error", done.message()}});
      if (!untried.empty()) break;
    }
  }
}

void service::idle_worker() {
  for (int i = 0; i < 5 && !stopping_; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

}  // namespace tuki::app
