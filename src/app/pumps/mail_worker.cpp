// The mail worker (its own thread): takes due `mail` jobs from the outbox, sends each with the
// configured mailer (blocking SMTP), and marks it done, or queues it again with backoff when the
// server is unavailable. A refused message is retried too, less often: nothing is dropped.
#include <future>

#include <nlohmann/json.hpp>

#include "tuki/app/log.hpp"
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
    send_webhooks();  // pumps/webhook_worker.cpp
    std::vector<adapters::outbox_job> jobs;
    auto st = run_job(*writes_, [&jobs](adapters::sqlite_store& s) {
      jobs = s.claim_jobs("mail", 16, wall_now());
      return core::status::ok();
    });
    if (!st || jobs.empty()) {
      for (int i = 0; i < 5 && !stopping_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    for (const auto& job : jobs) {
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
      auto done = run_job(*writes_, [id, attempt, sent, ticket](adapters::sqlite_store& s) {
        auto now = wall_now();
        if (sent) {
          if (ticket) (void)s.add_ticket_event(ticket, "NOTIFIED", "tuki", "email sent", now);
          return s.finish_job(id);
        }
        auto delay = std::chrono::seconds(std::min(3600, 5 << std::min(attempt, 9)));
        if (ticket) (void)s.add_ticket_event(ticket, "NOTIFY_RETRY", "tuki", sent.message(), now);
        return s.retry_job(id, sent.message(), now + delay);
      });
      if (sent) {
        log_info("mail_sent", {{"job", std::to_string(id)}, {"ticket_id", std::to_string(ticket)},
                               {"recipients", std::to_string(m.recipients.size())}});
      } else {
        log_warn("mail_deferred", {{"job", std::to_string(id)}, {"attempt", std::to_string(attempt)},
                                   {"error", sent.message()}});
      }
      if (!done) log_error("mail_job_store_failed", {{"error", done.message()}});
    }
  }
}

}  // namespace tuki::app
