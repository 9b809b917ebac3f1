// The HTTP handlers of `tuki serve`: health, metrics, and the gateway callbacks. Each handler is
// a coroutine on the io thread; writes go through the write queue and the answer is sent only
// after they are committed.
#include "tuki/app/async_write.hpp"
#include "tuki/app/log.hpp"
#include "tuki/app/service.hpp"
#include "tuki/app/wall_clock.hpp"
#include "tuki/core/text/utf8_repair.hpp"

#include <boost/asio/use_awaitable.hpp>

namespace tuki::app {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;

namespace {

int status_for(const core::status& s) {
  switch (s.error_code()) {
    case core::status::code::ok: return 200;
    case core::status::code::unauthenticated: return 401;
    case core::status::code::permission_denied: return 403;
    case core::status::code::not_found: return 404;
    case core::status::code::invalid_argument: return 400;
    default: return 503;  // the gateway retries: nothing is lost
  }
}

}  // namespace

void service::add_routes() {
  // Health and metrics answer HEAD as well as GET: neither changes anything (router.hpp).
  routes_.add({"GET", "HEAD"}, "/healthz", "healthz",
              [this](const core::http_request&,
                     const adapters::route_params&) -> awaitable<core::http_response> {
                // A named job, not a temporary inside co_await: GCC 12 destroys such temporaries twice.
                write_queue::job st_job = [](adapters::sqlite_store& s) {
                      return s.db().exec("SELECT 1");
                };
                auto st = co_await async_write(*writes_, std::move(st_job), use_awaitable);
                if (!st) co_return core::http_response::text(503, "store unavailable\n");
                co_return core::http_response::text(200, "ok\n");
              });

  routes_.add({"GET", "HEAD"}, "/metrics", "metrics",
              [this](const core::http_request&,
                     const adapters::route_params&) -> awaitable<core::http_response> {
                using counts_clock = message_counts_cache::clock;
                struct counted {
                  std::vector<adapters::message_count> rows;
                  counts_clock::time_point started, finished;
                };
                // Counting by status reads every message: it runs again only when the last
                // count is old enough for what it cost (message_counts_cache.hpp).
                const bool count = message_counts_.due(counts_clock::now());
                if (count) message_counts_.begin();
                auto counts = std::make_shared<counted>();
                auto depth = std::make_shared<std::int64_t>(0);
                auto planned = std::make_shared<std::int64_t>(0);
                auto unrouted = std::make_shared<std::int64_t>(0);
                auto restarts = std::make_shared<std::uint64_t>(0);
                // The writer's own counter, read on its thread (a short job).
                write_queue::job restarts_job = [restarts](adapters::sqlite_store& s) {
                      *restarts = s.wal_restarts();
                      return core::status::ok();
                };
                // On the reader's connection, so a scrape never holds up the writer (on the
                // writer only for an in-memory store). The depth and the planned sends are
                // read through partial indexes, at every scrape.
                // Named jobs, not temporaries inside co_await: GCC 12 destroys those twice.
                read_queue::job counts_job = [count, counts, depth, planned,
                                              unrouted](adapters::sqlite_store& s) {
                  if (count) {
                    counts->started = counts_clock::now();
                    counts->rows = s.count_messages();
                    counts->finished = counts_clock::now();
                  }
                  *depth = s.outbox_depth();
                  *planned = s.planned_sends_waiting();
                  *unrouted = s.tickets_unrouted();
                  return core::status::ok();
                };
                auto st = co_await async_write(*writes_, std::move(restarts_job), use_awaitable);
                if (st && reads_)
                  st = co_await async_read(*reads_, std::move(counts_job), use_awaitable);
                else if (st)
                  st = co_await async_write(*writes_, std::move(counts_job), use_awaitable);
                if (count) {
                  if (st)
                    message_counts_.stored(std::move(counts->rows), counts->started,
                                           counts->finished);
                  else
                    message_counts_.failed();
                }
                if (!st) co_return core::http_response::text(503, "store unavailable\n");
                std::string text = metrics_.render(message_counts_.counts(), *depth);
                const auto age = message_counts_.age(counts_clock::now());
                text +=
                    "# HELP tuki_message_counts_age_seconds How old tuki_messages_total is: "
                    "counted "
                    "again once as old as " +
                    std::to_string(message_counts_cache::cost_multiple) +
                    " times its count took.\n"
                    "# TYPE tuki_message_counts_age_seconds gauge\n"
                    "tuki_message_counts_age_seconds " +
                    std::to_string(age ? std::chrono::duration<double>(*age).count() : 0.0) + "\n";
                text += "# HELP tuki_planned_sends_waiting Planned check-ins not started yet.\n"
                        "# TYPE tuki_planned_sends_waiting gauge\n"
                        "tuki_planned_sends_waiting " + std::to_string(*planned) + "\n";
                text +=
                    "# HELP tuki_tickets_unrouted Tickets waiting for anyone to take them "
                    "(no staff, no coordinator).\n"
                    "# TYPE tuki_tickets_unrouted gauge\n"
                    "tuki_tickets_unrouted " +
                    std::to_string(*unrouted) + "\n";
                const auto w = writes_->statistics();
                text += "# HELP tuki_store_batches_total Store transactions (group commits).\n"
                        "# TYPE tuki_store_batches_total counter\n"
                        "tuki_store_batches_total " + std::to_string(w.batches) + "\n"
                        "# HELP tuki_store_jobs_total Store jobs committed in those transactions.\n"
                        "# TYPE tuki_store_jobs_total counter\n"
                        "tuki_store_jobs_total " + std::to_string(w.jobs) + "\n"
                        "# HELP tuki_store_syncs_total WAL syncs that made committed batches durable.\n"
                        "# TYPE tuki_store_syncs_total counter\n"
                        "tuki_store_syncs_total " + std::to_string(w.syncs) + "\n"
                        "# HELP tuki_wal_restarts_total Times the writer emptied the WAL and started it again.\n"
                        "# TYPE tuki_wal_restarts_total counter\n"
                        "tuki_wal_restarts_total " + std::to_string(*restarts) + "\n";
                if (checkpointer_) {
                  const auto c = checkpointer_->statistics();
                  text +=
                      "# HELP tuki_wal_checkpoint_frames_total WAL frames copied into the "
                      "database.\n"
                      "# TYPE tuki_wal_checkpoint_frames_total counter\n"
                      "tuki_wal_checkpoint_frames_total " +
                      std::to_string(c.frames) + "\n" +
                      "# HELP tuki_wal_checkpoint_writebacks_total Checkpoint rounds after which "
                      "the "
                      "pages they copied were written back to the database file.\n"
                      "# TYPE tuki_wal_checkpoint_writebacks_total counter\n"
                      "tuki_wal_checkpoint_writebacks_total " +
                      std::to_string(c.writebacks) + "\n";
                }
                core::http_response r = core::http_response::text(200, std::move(text));
                r.content_type = "text/plain; version=0.0.4; charset=utf-8";
                co_return r;
              });

  auto inbound = [this](const core::http_request& req,
                        const adapters::route_params& p) -> awaitable<core::http_response> {
    auto it = gateways_.find(p.at("name"));
    if (it == gateways_.end()) co_return core::http_response::text(404, "no such gateway\n");
    const auto& gw = *it->second;
    if (auto auth = gw.authenticate(req); !auth) {
      if (auth.error_code() == core::status::code::invalid_argument) {  // unreadable
        log_warn("inbound_invalid", {{"gateway", gw.name()}, {"reason", auth.message()}});
        co_return core::http_response::text(400, auth.message() + "\n");
      }
      log_warn("inbound_rejected", {{"gateway", gw.name()}, {"reason", auth.message()},
                                    {"remote", req.remote_address}});
      co_return core::http_response::text(status_for(auth) == 403 ? 403 : 401, "not authorised\n");
    }
    auto parsed = gw.parse_inbound(req);
    if (!parsed.value) {
      log_warn("inbound_invalid", {{"gateway", gw.name()}, {"reason", parsed.error.reason}});
      co_return core::http_response::text(parsed.error.http_status, parsed.error.reason + "\n");
    }
    // Retries are recognised by the gateway's message id: without one, a reply the gateway
    // sends again (its answer lost, a timeout) is stored and stepped again.
    if (parsed.value->gateway_id.empty() && inbound_without_id_.insert(gw.name()).second)
      log_warn("inbound_without_id",
               {{"gateway", gw.name()},
                {"effect",
                 "a reply the gateway sends again is stored and answered again: make its "
                 "callback carry the message id (Kannel get-url: id=%I)"}});
    // Whatever the gateway sent, the text stored and matched is valid UTF-8: a stray byte would
    // otherwise be stored as is and break every JSON that quotes it (a staff webhook).
    parsed.value->text = core::repair_utf8(parsed.value->text);
    auto outcome = std::make_shared<inbound_outcome>();
    auto sms = std::make_shared<adapters::inbound_sms>(std::move(*parsed.value));
    std::string gateway = gw.name();
    // A named job, not a temporary inside co_await: GCC 12 destroys such temporaries twice.
    write_queue::job st_job = [this, outcome, sms, gateway](adapters::sqlite_store& s) {
          auto r = conversation_->handle_inbound(s, gateway, *sms, wall_now());
          if (!r) return r.error();
          *outcome = *r;
          return core::status::ok();
    };
    auto st = co_await async_write(*writes_, std::move(st_job), use_awaitable);
    if (!st && st.error_code() != core::status::code::io_error) {
      // The job was rolled back for a reason a retry would not change: keep the message alone
      // (conversation::keep_unanswered), or the gateway would send it again and again.
      write_queue::job keep_job = [this, outcome, sms, gateway,
                                   why = st](adapters::sqlite_store& s) {
        auto r = conversation_->keep_unanswered(s, gateway, *sms, why, wall_now());
        if (!r) return r.error();
        *outcome = *r;
        return core::status::ok();
      };
      st = co_await async_write(*writes_, std::move(keep_job), use_awaitable);
    }
    if (!st) {
      log_error("inbound_store_failed", {{"gateway", gateway}, {"error", st.message()}});
      co_return core::http_response::text(503, "try again later\n");
    }
    metrics_.count(outcome->duplicate ? "inbound_duplicates" : "inbound_messages");
    if (!outcome->unanswered.empty()) {
      // Stored, and told to the gateway as stored; its answer failed for a reason a retry would
      // not change (conversation::handle_inbound). An operator must look: the student got no
      // answer, and a crisis no helpline text or ticket.
      metrics_.count("inbound_unanswered");
      log_error("inbound_unanswered", {{"gateway", gateway},
                                       {"message_id", std::to_string(outcome->message_id)},
                                       {"crisis", outcome->crisis ? "true" : "false"},
                                       {"error", outcome->unanswered}});
    }
    log_info(outcome->duplicate ? "inbound_duplicate" : "inbound_stored",
             {{"gateway", gateway}, {"message_id", std::to_string(outcome->message_id)},
              {"known_sender", outcome->known_sender ? "true" : "false"},
              {"replies", std::to_string(outcome->replies)}, {"tickets", std::to_string(outcome->tickets)},
              {"crisis", outcome->crisis ? "true" : "false"}});
    if (outcome->replies > 0) wake_outbox();
    co_return gw.acknowledge();
  };
  // Not HEAD: a link preview or a monitor must not store a message (HEAD answers 405).
  for (const char* m : {"GET", "POST"}) {
    routes_.add(m, "/v1/gateways/{name}/inbound", "gateway_inbound", inbound);
    routes_.add(m, "/v1/gateways/{name}/inbound/{secret}", "gateway_inbound", inbound);
  }

  auto dlr = [this](const core::http_request& req,
                    const adapters::route_params& p) -> awaitable<core::http_response> {
    auto it = gateways_.find(p.at("name"));
    if (it == gateways_.end()) co_return core::http_response::text(404, "no such gateway\n");
    const auto& gw = *it->second;
    if (auto auth = gw.authenticate(req); !auth) {
      if (auth.error_code() == core::status::code::invalid_argument) {  // unreadable
        log_warn("dlr_invalid", {{"gateway", gw.name()}, {"reason", auth.message()}});
        co_return core::http_response::text(400, auth.message() + "\n");
      }
      log_warn(
          "dlr_rejected",
          {{"gateway", gw.name()}, {"reason", auth.message()}, {"remote", req.remote_address}});
      co_return core::http_response::text(status_for(auth) == 403 ? 403 : 401, "not authorised\n");
    }
    auto parsed = gw.parse_dlr(req);
    if (!parsed.value) {
      log_warn("dlr_invalid", {{"gateway", gw.name()}, {"reason", parsed.error.reason}});
      co_return core::http_response::text(parsed.error.http_status, parsed.error.reason + "\n");
    }
    auto report = std::make_shared<adapters::delivery_report>(std::move(*parsed.value));
    // A named job, not a temporary inside co_await: GCC 12 destroys such temporaries twice.
    write_queue::job st_job = [this, report, gateway = it->first](adapters::sqlite_store& s) {
          return conversation_->apply_delivery_report(s, gateway, *report, wall_now());
    };
    // Gathered: the gateway only learns it may forget the report, so reports may share one
    // transaction and one fsync (a burst of them costs Kannel's CPU less: docs/performance.md).
    auto st = co_await async_write_gathered(*writes_, std::move(st_job), use_awaitable);
    if (st.error_code() == core::status::code::not_found)
      co_return core::http_response::text(200, "unknown message, ignored\n");  // do not make it retry
    if (!st) co_return core::http_response::text(503, "try again later\n");
    metrics_.count("delivery_reports");
    co_return gw.acknowledge();
  };
  for (const char* m : {"GET", "POST"}) {
    routes_.add(m, "/v1/gateways/{name}/dlr", "gateway_dlr", dlr);
    routes_.add(m, "/v1/gateways/{name}/dlr/{secret}", "gateway_dlr", dlr);
  }
  add_ticket_routes();
}

}  // namespace tuki::app
