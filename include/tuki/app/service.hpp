#pragma once
// `tuki serve`: wires the configuration to the adapters and runs them.
//
// Threads and who owns what:
//   io thread     boost::asio::io_context: the HTTP server, its handlers, and the timer, SLA and
//                 scheduler pumps (coroutines). Never blocks.
//   outbox thread a second io_context: the outbox pump and the Beast client's connections to
//                 plain http:// gateways, so an SMS crosses no thread on its way to the gateway
//                 and back, and sending never queues behind inbound requests. Never blocks.
//   store thread  app::write_queue: the only SQLite writer; runs jobs in group-commit batches,
//                 including dialog steps (pure, microseconds).
//   sync thread   app::write_queue: fdatasyncs the WAL, then completes the committed jobs.
//   read thread   app::read_queue: scans (the /metrics counts) on a connection of its own.
//   curl thread   adapters::http_client: https:// gateway requests over libcurl multi, kept alive.
//   mail thread   the mail worker: blocking SMTP sends, one at a time, from the outbox table.
//   webhook thread the webhook worker: blocking webhook POSTs, one at a time, from the outbox
//                 table; apart from the mail thread, so that neither outage holds the other.
#include <utility>  // before Asio's coroutine headers (Boost 1.74 with GCC 12)

#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "tuki/adapters/gateway/sms_gateway.hpp"
#include "tuki/adapters/http/http_client.hpp"
#include "tuki/adapters/http/http_server.hpp"
#include "tuki/adapters/mail/mailer.hpp"
#include "tuki/adapters/store/instance_lock.hpp"
#include "tuki/adapters/store/wal_checkpointer.hpp"
#include "tuki/app/conversation.hpp"
#include "tuki/app/failure_episode.hpp"
#include "tuki/app/message_counts_cache.hpp"
#include "tuki/app/metrics.hpp"
#include "tuki/app/read_queue.hpp"
#include "tuki/app/scheduler.hpp"
#include "tuki/app/write_queue.hpp"
#include "tuki/core/config/config.hpp"
#include "tuki/core/outbox/token_bucket.hpp"

namespace tuki::app {

/// Opens the store (WAL, migrations) and records the configured institutions in it.
core::result<std::unique_ptr<adapters::sqlite_store>> open_store(const config::config& cfg);
/// Loads dialogs_dir; errors name file:line:column.
core::result<std::shared_ptr<const dialog::dialog_library>> load_dialogs(const config::config& cfg);

class service {
 public:
  static core::result<std::unique_ptr<service>> create(config::config cfg);
  ~service();
  /// Runs until SIGINT/SIGTERM, then shuts down gracefully (finishes in-flight requests, flushes
  /// the store). SIGHUP reloads the dialogs. Returns the process exit code.
  int run();
  /// Asks a running service to shut down as on SIGTERM (any thread).
  void request_stop();
  /// The HTTP port actually bound (after run() started; for tests with port 0).
  std::uint16_t port() const { return server_ ? server_->port() : 0; }

 private:
  explicit service(config::config cfg);
  void add_routes();
  std::atomic<bool> running_{false};
  boost::asio::awaitable<void> outbox_pump();
  boost::asio::awaitable<void> timer_pump();
  /// Schedule rules and planned sends (src/app/pumps/scheduler_pump.cpp).
  boost::asio::awaitable<void> scheduler_pump();
  /// POST /v1/events (src/app/event_routes.cpp).
  void add_event_routes();
  void mail_worker();
  // Tickets (ticket_routes.cpp, pumps/sla_pump.cpp, pumps/webhook_worker.cpp).
  void add_ticket_routes();
  boost::asio::awaitable<void> sla_pump();
  ticket_desk::start_dialog_fn sla_start_dialog();
  /// Sends due webhook jobs (webhook thread); returns how many were claimed.
  int send_webhooks();
  void webhook_worker();
  /// A worker thread's wait when it found nothing due: half a second, cut short by a stop.
  void idle_worker();
  void reload_dialogs();
  void shutdown();
  void wake_outbox();

  config::config cfg_;
  // Declared first, so released last: after the store and its threads are gone.
  std::unique_ptr<adapters::instance_lock> instance_lock_;
  boost::asio::io_context io_{1};
  boost::asio::io_context outbox_io_{1};  // before client_, which runs on it
  std::unique_ptr<write_queue> writes_;
  std::unique_ptr<read_queue> reads_;  // scans off the writer; null for an in-memory store
  // Stopped after writes_; shared with the writer's WAL tail checkpoint (wal_tail_checkpoint.hpp).
  std::shared_ptr<adapters::wal_checkpointer> checkpointer_;
  std::unique_ptr<conversation> conversation_;
  std::map<std::string, std::unique_ptr<adapters::sms_gateway>> gateways_;
  std::map<std::string, std::string> sender_of_gateway_;
  /// Per-gateway send rate in SMS segments per second (gateway option `rate_limit`, optional
  /// `rate_burst`); only gateways with a limit have an entry. Used by the outbox pump only (io
  /// thread).
  std::map<std::string, core::token_bucket> rate_limits_;
  std::unique_ptr<scheduler> scheduler_;
  adapters::http_client client_;
  std::unique_ptr<adapters::mailer> mailer_;
  adapters::router routes_;
  std::unique_ptr<adapters::http_server> server_;
  metrics metrics_;
  message_counts_cache message_counts_;  // /metrics message counts between scrapes (io thread)
  // Gateways that sent a reply without a message id, each logged once (io thread).
  std::set<std::string> inbound_without_id_;
  std::unique_ptr<boost::asio::steady_timer> outbox_wake_;
  // A wake posted to the outbox thread and not yet run: further wakes until it runs are the
  // same wake (one post, one reactor interrupt, instead of one per reply).
  std::atomic<bool> outbox_wake_posted_{false};
  std::atomic<bool> stopping_{false};
  std::atomic<int> active_pumps_{0};  // the io thread's pumps and the outbox pump
  std::thread mail_thread_;
  std::thread webhook_thread_;
  // A failed claim of webhook jobs stops every webhook: logged once per episode (webhook thread).
  failure_episode webhook_claim_failures_{"webhook_claim_failed"};
  std::thread outbox_thread_;
};

}  // namespace tuki::app
