// The webhook worker (its own thread, so that a mail server that hangs never holds a webhook
// back): takes due `webhook` jobs from the outbox, crisis first (adapters::job_priority),
// signs each body at send time (X-Tuki-Timestamp must be fresh), POSTs it with a blocking
// libcurl call, and marks it done. A failure is retried as routing::after_failed_webhook says:
// without end while it may pass (no answer, 408, 429, 5xx; after a 429 or 503 no sooner than
// its Retry-After asks, up to an hour), so a long outage delays a notice and never drops it;
// the operator hears of a job failing for long (`webhook_undelivered`, at attempt 12 and then
// daily). A refusal (any other 4xx: a wrong URL, a revoked token) is the operator's to fix: the
// notice is offered again every hour, crisis ones too, and the operator hears of it
// (`webhook_refused`, the ticket's WEBHOOK_REFUSED) at once and daily. Only a job that can never
// be sent (an unreadable job, a webhook removed from the configuration) ends as failed, logged
// as `webhook_failed` and noted in the ticket history. Never runs on the io thread.
// A batch (up to 16 jobs) is not waited out when it cannot go: after a receiver failed in a way
// that may pass (no answer within the 10 s timeout, 408, 429, 5xx), its later jobs in the batch
// go back to the queue untried (not counted as an attempt), as the mail worker does after an
// outage, so that the next claim starts again, crisis first, instead of waiting for up to 15
// more timeouts; jobs to other receivers are still sent. At a stop the post in flight is cut
// short and it and the rest of the batch go back to the queue untried: a stop waits for at most
// about a second, not 16 x 10 s, and start-up sends them (logged as `webhook_untried`).

#include <set>

#include <nlohmann/json.hpp>

#include "tuki/adapters/notify/webhook_post.hpp"
#include "tuki/app/blocking_write.hpp"
#include "tuki/app/failure_episode.hpp"
#include "tuki/app/log.hpp"
#include "tuki/app/service.hpp"
#include "tuki/app/wall_clock.hpp"
#include "tuki/core/retry_after.hpp"
#include "tuki/core/routing/staff_webhook.hpp"

namespace tuki::app {

int service::send_webhooks() {
  std::vector<adapters::outbox_job> jobs;
  auto st = run_job(*writes_, [&jobs](adapters::sqlite_store& s) {
    jobs = s.claim_jobs("webhook", 16, wall_now());
    return core::status::ok();
  });
  if (!stopping_) webhook_claim_failures_.note(st);  // at a stop the queue refuses new jobs
  if (!st) return 0;
  std::vector<std::int64_t> untried;  // back to the queue, not counted as an attempt
  std::set<std::string> unavailable;  // receivers (URLs) that failed in this batch as may pass
  std::string why_untried;            // for the log: "stopping" or "receiver_unavailable"
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const auto& job = jobs[i];
    if (stopping_) {
      for (std::size_t k = i; k < jobs.size(); ++k) untried.push_back(jobs[k].id);
      why_untried = "stopping";
      break;
    }
    auto payload = nlohmann::json::parse(job.payload, nullptr, false);
    core::status sent;
    std::optional<int> answer;  // the receiver's HTTP status, when one came
    std::optional<core::duration> retry_after;  // the wait it asked for (Retry-After)
    bool unsendable = false;    // no attempt could ever succeed
    std::int64_t ticket = 0;
    std::string webhook;  // the institution whose webhook it is (logs: no personal data)
    std::string url;      // where it was posted
    if (payload.is_discarded() || !payload.is_object()) {
      sent = core::status::invalid_argument("unreadable webhook job");
      unsendable = true;
    } else {
      ticket = payload.value("ticket_id", std::int64_t{0});
      webhook = payload.value("institution", "");
      const auto* inst = cfg_.find_institution(webhook);
      std::string body = payload.value("body", "");
      if (!inst || inst->webhook.url.empty()) {
        sent = core::status::invalid_argument("the institution has no webhook configured now");
        unsendable = true;
      } else if (unavailable.count(inst->webhook.url)) {
        untried.push_back(job.id);
        if (why_untried.empty()) why_untried = "receiver_unavailable";
        continue;
      } else {
        url = inst->webhook.url;
        auto headers = routing::webhook_headers(inst->webhook.secret, body, wall_now());
        auto r = adapters::post_webhook(url, headers, body, 10'000, &stopping_);
        if (!r && stopping_) {  // cut short (or failed as the stop began): not an attempt
          for (std::size_t k = i; k < jobs.size(); ++k) untried.push_back(jobs[k].id);
          why_untried = "stopping";
          break;
        }
        if (!r) {
          sent = r.error();
        } else {
          answer = r->status;
          if (!r->retry_after.empty())
            retry_after = core::parse_retry_after(r->retry_after, wall_now());
          if (r->status < 200 || r->status > 299)
            sent = core::status::unavailable("webhook answered HTTP " + std::to_string(r->status));
        }
      }
    }
    auto id = job.id;
    int attempt = job.attempts;
    routing::webhook_retry next;
    if (!sent && !unsendable)
      next = routing::after_failed_webhook(answer, attempt, static_cast<std::uint64_t>(id),
                                           retry_after,
                                           job.priority == adapters::job_priority::crisis);
    // It may pass, but not within this batch: the receiver's later jobs wait for the next claim.
    if (!sent && !unsendable && !next.refused) unavailable.insert(url);
    // Stored until it is: a job left `running` would be sent by nobody until a restart.
    write_queue::job store_outcome = [id, sent, ticket, next,
                                      unsendable](adapters::sqlite_store& s) {
      // Run again after a failed sync of a commit: what is stored stays stored once.
      auto running = s.job_running(id);
      if (!running) return running.error();
      if (!*running) return core::status::ok();
      auto now = wall_now();
      if (sent) {
        if (ticket) (void)s.add_ticket_event(ticket, "WEBHOOK_SENT", "tuki", "", now);
        return s.finish_job(id);
      }
      if (unsendable) {
        if (ticket) (void)s.add_ticket_event(ticket, "WEBHOOK_FAILED", "tuki", sent.message(), now);
        return s.fail_job(id, sent.message());
      }
      if (next.long_outage && ticket)
        (void)s.add_ticket_event(ticket, next.refused ? "WEBHOOK_REFUSED" : "WEBHOOK_DELAYED",
                                 "tuki", sent.message(), now);
      return s.retry_job(id, sent.message(), now + next.delay);
    };
    auto done =
        run_job_until_stored(*writes_, store_outcome, stopping_, "webhook_job_store_failed");
    const std::initializer_list<log_field> fields{{"job", std::to_string(id)},
                                                  {"ticket_id", std::to_string(ticket)},
                                                  {"webhook", webhook},
                                                  {"attempts", std::to_string(attempt)},
                                                  {"error", sent.message()}};
    if (sent)
      log_info("webhook_sent",
               {{"job", std::to_string(id)}, {"ticket_id", std::to_string(ticket)}});
    else if (unsendable)
      log_error("webhook_failed", fields);
    else if (next.refused && next.long_outage)
      log_error("webhook_refused", fields);
    else if (next.long_outage)
      log_error("webhook_undelivered", fields);
    else
      log_warn("webhook_deferred", fields);
    if (!done) break;  // stopping: start-up queues the rest of the batch again
  }
  if (!untried.empty()) {
    write_queue::job release = [untried](adapters::sqlite_store& s) {
      for (auto id : untried)
        if (auto r = s.release_job(id); !r) return r;
      return core::status::ok();
    };
    // Tried once at a stop: if it fails, start-up queues them again (the attempt taken back).
    (void)run_job_until_stored(*writes_, release, stopping_, "webhook_job_store_failed");
    log_info("webhook_untried", {{"jobs", std::to_string(untried.size())}, {"why", why_untried}});
  }
  return static_cast<int>(jobs.size());
}

void service::webhook_worker() {
  while (!stopping_)
    if (send_webhooks() == 0) idle_worker();
}

}  // namespace tuki::app
