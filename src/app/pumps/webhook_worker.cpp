// Webhook sends (mail thread, between mail batches): takes due `webhook` jobs from the outbox,
// signs each body at send time (X-Tuki-Timestamp must be fresh), POSTs it with a blocking
// libcurl call, and marks it done; a failure is retried with routing::retry_delay (30 s doubling
// to 1 h, jittered by the job id) up to max_webhook_attempts, then the job is marked failed and
// the ticket history says so. Never runs on the io thread.
#include <future>

#include <nlohmann/json.hpp>

#include "tuki/adapters/notify/webhook_post.hpp"
#include "tuki/app/log.hpp"
#include "tuki/app/service.hpp"
#include "tuki/core/routing/staff_webhook.hpp"
#include "tuki/app/wall_clock.hpp"

namespace tuki::app {

namespace {

constexpr int max_webhook_attempts = 12;

core::status run_job(write_queue& q, write_queue::job j) {
  std::promise<core::status> p;
  q.submit(std::move(j), [&p](core::status s) { p.set_value(std::move(s)); });
  return p.get_future().get();
}

}  // namespace

int service::send_webhooks() {
  std::vector<adapters::outbox_job> jobs;
  auto st = run_job(*writes_, [&jobs](adapters::sqlite_store& s) {
    jobs = s.claim_jobs("webhook", 16, wall_now());
    return core::status::ok();
  });
  if (!st) return 0;
  for (const auto& job : jobs) {
    auto payload = nlohmann::json::parse(job.payload, nullptr, false);
    core::status sent;
    std::int64_t ticket = 0;
    if (payload.is_discarded() || !payload.is_object()) {
      sent = core::status::invalid_argument("unreadable webhook job");
    } else {
      ticket = payload.value("ticket_id", std::int64_t{0});
      const auto* inst = cfg_.find_institution(payload.value("institution", ""));
      std::string body = payload.value("body", "");
      if (!inst || inst->webhook.url.empty()) {
        sent = core::status::invalid_argument("the institution has no webhook configured now");
      } else {
        auto headers = routing::webhook_headers(inst->webhook.secret, body, wall_now());
        auto r = adapters::post_webhook(inst->webhook.url, headers, body);
        if (!r)
          sent = r.error();
        else if (*r < 200 || *r > 299)
          sent = core::status::unavailable("webhook answered HTTP " + std::to_string(*r));
      }
    }
    auto id = job.id;
    int attempt = job.attempts;
    auto done = run_job(*writes_, [id, attempt, sent, ticket](adapters::sqlite_store& s) {
      auto now = wall_now();
      if (sent) {
        if (ticket) (void)s.add_ticket_event(ticket, "WEBHOOK_SENT", "tuki", "", now);
        return s.finish_job(id);
      }
      if (attempt >= max_webhook_attempts) {
        if (ticket) (void)s.add_ticket_event(ticket, "WEBHOOK_FAILED", "tuki", sent.message(), now);
        return s.fail_job(id, sent.message());
      }
      auto delay = routing::retry_delay(attempt, static_cast<std::uint64_t>(id));
      return s.retry_job(id, sent.message(), now + delay);
    });
    if (sent)
      log_info("webhook_sent",
               {{"job", std::to_string(id)}, {"ticket_id", std::to_string(ticket)}});
    else
      log_warn("webhook_deferred", {{"job", std::to_string(id)},
                                    {"attempt", std::to_string(attempt)},
                                    {"error", sent.message()}});
    if (!done) log_error("webhook_job_store_failed", {{"error", done.message()}});
  }
  return static_cast<int>(jobs.size());
}

}  // namespace tuki::app
