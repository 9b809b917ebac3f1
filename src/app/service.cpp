#include "tuki/app/service.hpp"

#include <algorithm>
#include <future>
#include <set>

#include <pthread.h>
#include <sys/resource.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "tuki/adapters/gateway/inbound_auth.hpp"
#include "tuki/adapters/store/wal_file_sync.hpp"
#include "tuki/app/async_write.hpp"
#include "tuki/app/config_paths.hpp"
#include "tuki/app/gateway_drivers.hpp"
#include "tuki/app/log.hpp"
#include "tuki/app/read_queue.hpp"
#include "tuki/app/role_names.hpp"

namespace tuki::app {

namespace asio = boost::asio;

core::result<std::unique_ptr<adapters::sqlite_store>> open_store(const config::config& cfg) {
  std::error_code ec;
  auto parent = std::filesystem::path(cfg.store.path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  auto store = adapters::sqlite_store::open(cfg.store.path, cfg.store.synchronous);
  if (!store) return store.error();
  for (const auto& inst : cfg.institutions)
    if (auto s = (*store)->upsert_institution(inst.id, inst.name, inst.country, inst.timezone); !s)
      return s;
  return store;
}

namespace {

core::result<std::shared_ptr<const dialog::dialog_library>> load_dialogs(
    const config::config& cfg, std::vector<dialog::diagnostic>* warnings) {
  // Said here, with where a relative path was looked for, rather than by the library: a
  // dialogs_dir left to its default ("dialogs") is not checked with the config's paths.
  std::error_code ec;
  if (!std::filesystem::is_directory(cfg.dialogs_dir, ec))
    return core::status::invalid_argument("dialogs_dir: no directory '" + cfg.dialogs_dir + "'" +
                                          relative_path_note(cfg.dialogs_dir));
  auto lib = dialog::dialog_library::load(cfg.dialogs_dir, warnings);
  if (!lib) return lib.error();
  return std::make_shared<const dialog::dialog_library>(std::move(*lib));
}

// What `tuki dialogs check` prints as a warning (an unknown lexicon key, which is ignored; a
// text over 4 SMS segments): the running service says it too, at start and on each reload, or
// an operator who only reloads never hears that a list was ignored.
void log_dialog_warnings(const std::vector<dialog::diagnostic>& warnings) {
  for (const auto& w : warnings)
    log_warn("dialog_warning",
             {{"file", w.file},
              {"line", std::to_string(w.line)},
              {"message", w.node_id.empty() ? w.message : "node " + w.node_id + ": " + w.message}});
}

// The shipped configuration's `secret: ${TUKI_SECRET:-change-me-in-production}`: anyone can
// read it, so anyone who reaches the service can sign staff action links (acknowledge or resolve
// a crisis ticket). Tolerated, with a warning, only while both the server and its links stay on
// this host, as on the README's run command and in the tests.
core::status check_link_secret(const config::config& c) {
  if (c.secret != "change-me-in-production") return core::status::ok();
  std::string where;
  if (!adapters::is_loopback_address(c.http.listen)) where = "http.listen is " + c.http.listen;
  else if (!adapters::url_host_is_loopback(c.public_url)) where = "public_url is " + c.public_url;
  if (where.empty()) return core::status::ok();
  return core::status::invalid_argument(
      c.source_file + ": secret: is the placeholder of the shipped configuration while " + where +
      ": anyone could forge staff action links; set TUKI_SECRET (or secret) to a long random "
      "value (openssl rand -base64 32)");
}

}  // namespace

core::result<std::shared_ptr<const dialog::dialog_library>> load_dialogs(const config::config& cfg) {
  return load_dialogs(cfg, nullptr);
}

namespace {

// http.max_connections, or when it is 0 half the soft open-file limit: the other half is left
// to the store, the outbox's gateway connections, mail and webhooks.
std::size_t http_connection_cap(const config::http_settings& h) {
  if (h.max_connections != 0) return h.max_connections;
  rlimit nofile{};
  if (::getrlimit(RLIMIT_NOFILE, &nofile) != 0 || nofile.rlim_cur == RLIM_INFINITY) return 0;
  return std::max<std::size_t>(16, static_cast<std::size_t>(nofile.rlim_cur / 2));
}

}  // namespace

core::result<std::unique_ptr<service>> service::create(config::config cfg) {
  std::unique_ptr<service> s(new service(std::move(cfg)));
  const auto& c = s->cfg_;
  set_log_level(parse_log_level(c.log_level));
  if (auto secret = check_link_secret(c); !secret) return secret;
  // Everything the configuration names is checked (gateway options, dialogs, schedules, routing)
  // before the store is opened: a mistake stops tuki without creating the database.
  auto drivers = make_gateway_drivers(c);
  if (!drivers) return drivers.error();
  s->gateways_ = std::move(*drivers);
  for (const auto& [name, driver] : s->gateways_)
    if (driver->callbacks_unauthenticated())
      log_warn("gateway_unauthenticated",
               {{"gateway", name},
                {"listen", c.http.listen},
                {"effect",
                 "any process on this host can post replies, STOPs and delivery reports to its "
                 "callbacks; add auth (docs/gateways.md)"}});
  // A public_url elsewhere means a way in from other hosts: through a reverse proxy on this host
  // it arrives from a loopback address, which such a gateway admits unless the proxy says it
  // relayed the request (relayed_by_proxy).
  for (const auto& [name, driver] : s->gateways_)
    if (driver->callbacks_trust_this_host() && !adapters::url_host_is_loopback(c.public_url))
      log_warn("gateway_trusts_this_host",
               {{"gateway", name},
                {"public_url", c.public_url},
                {"effect",
                 "its callbacks admit any request from this host; a reverse proxy here that does "
                 "not add X-Forwarded-For would pass anyone's requests on as this host's: give "
                 "the gateway auth.path_secret or auth.basic (docs/gateways.md)"}});
  for (const auto& g : c.gateways)
    if (g.rate_limit > 0)
      s->rate_limits_.emplace(
          g.name, core::token_bucket(g.rate_limit, g.rate_burst, std::chrono::steady_clock::now()));
  // One sender a gateway (config::parse_config refuses institutions that differ on one): the
  // institution's `sender`, else the gateway's own, else "tuki".
  for (const auto& inst : c.institutions) {
    const auto driver = s->gateways_.find(inst.gateway);
    const bool own = driver != s->gateways_.end() && driver->second->has_own_sender();
    s->sender_of_gateway_[inst.gateway] = !inst.sender.empty() ? inst.sender : own ? "" : "tuki";
  }
  std::vector<dialog::diagnostic> dialog_warnings;
  auto lib = load_dialogs(c, &dialog_warnings);
  log_dialog_warnings(dialog_warnings);
  if (!lib) return lib.error();
  auto roles = role_names::load(c.dialogs_dir);
  if (!roles) return roles.error();
  std::map<std::string, schedule::schedule_file> schedules;
  for (const auto& inst : c.institutions) {
    auto sched = load_institution_schedule(inst);
    if (!sched) return sched.error();
    auto warn_unknown = [&](const std::string& rule, const std::string& dialog) {
      if (!(*lib)->find(dialog))
        log_warn("schedule_unknown_dialog", {{"institution", inst.id}, {"rule", rule}, {"dialog", dialog}});
    };
    for (const auto& r : sched->recurring) warn_unknown(r.id, r.dialog);
    for (const auto& r : sched->milestones) warn_unknown(r.id, r.dialog);
    for (const auto& r : sched->triggers) warn_unknown(r.id, r.dialog);
    schedules.emplace(inst.id, std::move(*sched));
  }
  s->conversation_ = std::make_unique<conversation>(s->cfg_, std::move(*lib), std::move(*roles));
  if (const auto& routing = s->conversation_->desk().load_status(); !routing) return routing;
  s->conversation_->desk().set_metrics(&s->metrics_);
  // Students would read such a role as the generic "a staff member" phrase: tell the operator.
  for (const auto& u : s->conversation_->desk().unnamed_roles())
    log_warn("role_without_name", {{"institution", u.institution_id},
                                   {"role", u.role},
                                   {"language", u.language},
                                   {"routing_file", u.routing_source}});

  // Before the store is opened (migrations) and before the requeue below, which takes every
  // `sending`/`running` row as left by a crash (instance_lock.hpp).
  if (c.store.path != ":memory:") {
    // The lock file sits beside the database, whose directory open_store would create.
    std::error_code ec;
    const auto parent = std::filesystem::path(c.store.path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    auto lock = adapters::instance_lock::take(c.store.path);
    if (!lock) return lock.error();
    s->instance_lock_ = std::move(*lock);
  }
  auto store = open_store(c);
  if (!store) return store.error();
  // Claims left by a crash go back to the queue. A requeue that fails would leave them stuck
  // until the next restart, silently: it stops the start-up instead.
  auto n = (*store)->requeue_in_flight(core::from_unix_ms(0) + std::chrono::duration_cast<core::duration>(
                                           std::chrono::system_clock::now().time_since_epoch()));
  if (!n) {
    log_error("requeue_failed", {{"what", "sms"}, {"error", n.error().message()}});
    return n.error();
  }
  if (*n > 0) log_warn("requeued_in_flight", {{"messages", std::to_string(*n)}});
  auto jobs = (*store)->requeue_running_jobs();
  if (!jobs) {
    log_error("requeue_failed", {{"what", "jobs"}, {"error", jobs.error().message()}});
    return jobs.error();
  }
  for (const auto& [id, kind] : jobs->failed)
    log_error("job_failed_interrupted",
              {{"job", std::to_string(id)},
               {"kind", kind},
               {"runs", std::to_string(adapters::sqlite_store::max_interrupted_runs)},
               {"effect", "not run again: its run was cut short at every start-up, so it is taken "
                          "to stop the process; see the outbox table's payload and last_error"}});
  if (c.store.path != ":memory:") {
    // Checkpoints run beside the store thread, not inside its commits (wal_checkpointer.hpp).
    auto cp = adapters::wal_checkpointer::start(c.store.path, c.store.synchronous,
                                                std::chrono::milliseconds(c.store.checkpoint_interval_ms));
    if (!cp) return cp.error();
    if (auto off = (*store)->db().exec("PRAGMA wal_autocheckpoint=0"); !off) return off;
    s->checkpointer_ = std::shared_ptr<adapters::wal_checkpointer>(std::move(*cp));
    // 1 GiB of 4 KiB pages: a restart about every 10 s at full P1 load and every 30 s at half of
    // it. Each restart paused the writer for 50-110 ms (SQLite's sync of the database wrote every
    // page the checkpointer had copied since the last restart), and 65,536 frames then set P1's
    // p99 (15-43 ms against 6-8 ms). The checkpointer now writes each round's pages back, in
    // pieces (file_writeback.hpp), so that sync finds little to write.
    (*store)->keep_wal_short(262144, s->checkpointer_);
  }
  (*store)->set_message_validity(std::chrono::hours(c.outbox.validity_hours));
  // Power-loss durability without holding the store thread in fsync: the writer commits with
  // synchronous=NORMAL and the write queue's sync thread fdatasyncs the WAL before any job of
  // those commits is reported (write_queue.hpp, wal_file_sync.hpp).
  write_queue::sync_function sync;
  if (c.store.path != ":memory:" && c.store.synchronous == "full") {
    auto wal = adapters::wal_file_sync::open(c.store.path);
    if (!wal) return wal.error();
    if (auto normal = (*store)->db().exec("PRAGMA synchronous=NORMAL"); !normal) return normal;
    sync = [wal = std::shared_ptr<adapters::wal_file_sync>(std::move(*wal))] { return wal->sync(); };
  }
  s->writes_ = std::make_unique<write_queue>(std::move(*store), c.store.max_batch, std::move(sync));
  if (c.store.path != ":memory:") {
    auto reader = adapters::sqlite_store::open(c.store.path, c.store.synchronous);
    if (!reader) return reader.error();
    s->reads_ = std::make_unique<read_queue>(std::move(*reader));
  }
  if (c.secret.empty())
    log_warn("no_link_secret", {{"effect", "staff emails carry no action links; set secret"}});
  else if (auto weak = config::weak_secret_reason(c.secret); !weak.empty())
    log_warn("weak_link_secret",
             {{"reason", weak},
              {"effect", "anyone who knows it can forge staff action links; set TUKI_SECRET to "
                         "a long random value (openssl rand -base64 32)"}});
  for (const auto& inst : c.institutions)
    for (const auto& lang : config::languages_without_helpline(inst))
      log_warn("helpline_missing",
               {{"institution", inst.id},
                {"language", lang},
                {"effect",
                 "crisis answers in this language carry another language's helpline; "
                 "add institutions[].helpline." +
                     lang}});
  // A crisis from a number tuki does not know has no ticket: only the crisis contact and the
  // coordinator are told (not a webhook, not role holders). With neither, such a crisis reaches
  // no person, only the log; the operator hears it now rather than on that day.
  for (const auto& id : s->conversation_->desk().institutions_without_crisis_contact())
    log_warn("crisis_contact_missing",
             {{"institution", id},
              {"effect",
               "a crisis texted from an unknown number reaches no person, only the log "
               "(unregistered_crisis_unrouted); set institutions[].crisis_contact or the "
               "routing file's institution.crisis_contact or coordinator"}});
  s->scheduler_ = std::make_unique<scheduler>(s->cfg_, std::move(schedules), *s->conversation_);
  s->conversation_->desk().set_send_gate(quiet_hours_gate(*s->scheduler_));
  s->mailer_ = adapters::make_mailer(c.mail);
  s->add_routes();
  s->add_event_routes();
  adapters::http_server_settings hs{c.http.listen, c.http.port, c.http.body_limit,
                                    c.http.read_timeout_ms, c.http.backlog};
  hs.max_connections = http_connection_cap(c.http);
  s->server_ = std::make_unique<adapters::http_server>(
      s->io_, hs, s->routes_,
      [m = &s->metrics_](const std::string& route, int status, std::chrono::nanoseconds took) {
        m->count_http(route, status, took);
      },
      [retry_ms = hs.accept_retry_ms](const std::string& error, std::uint64_t failed) {
        if (!error.empty())
          log_warn("http_accept_failing",
                   {{"error", error},
                    {"effect", "new connections wait in the backlog; accepting again every " +
                                   std::to_string(retry_ms) + " ms"}});
        else
          log_info("http_accept_recovered", {{"failed_attempts", std::to_string(failed)}});
      });
  s->outbox_wake_ = std::make_unique<asio::steady_timer>(s->outbox_io_);
  return s;
}

namespace {

// A gateway gets as many connections as the outbox may have requests in flight (at least
// libcurl's and Beast's default of 32): raising outbox.in_flight raises both. The timeouts are
// the operator's (outbox.request_timeout_ms, outbox.connect_timeout_ms).
adapters::http_client_settings client_settings(const config::config& c) {
  adapters::http_client_settings s;
  s.max_host_connections = std::max<long>(s.max_host_connections, c.outbox.in_flight);
  s.timeout_ms = c.outbox.request_timeout_ms;
  s.connect_timeout_ms = c.outbox.connect_timeout_ms;
  return s;
}

}  // namespace

// Plain http:// gateways are sent on the outbox thread, beside the pump (no thread crossed per SMS).
service::service(config::config cfg)
    : cfg_(std::move(cfg)), client_(client_settings(cfg_), outbox_io_) {}

service::~service() {
  for (auto* worker : {&mail_thread_, &webhook_thread_}) {
    if (!worker->joinable()) continue;
    stopping_ = true;
    worker->join();
  }
  if (outbox_thread_.joinable()) {
    outbox_io_.stop();
    outbox_thread_.join();
  }
}

void service::request_stop() {
  asio::post(io_, [this] { shutdown(); });
}

void service::wake_outbox() {
  // Cleared before the cancel: a wake after that point is a new one and is posted again, so no
  // commit made before a wake is missed by the claim that the wake starts.
  if (outbox_wake_posted_.exchange(true)) return;
  asio::post(outbox_io_, [this] {
    outbox_wake_posted_ = false;
    outbox_wake_->cancel();
  });
}

void service::reload_dialogs() {
  asio::co_spawn(io_, [this]() -> asio::awaitable<void> {
    // Which earlier versions stored sessions still run on: a scan of every session, on the
    // read connection (the writer's only for an in-memory store), so it never holds up replies.
    auto in_use = std::make_shared<std::set<std::string, std::less<>>>();
    read_queue::job versions_job = [in_use](adapters::sqlite_store& s) {
      for (const auto& [id, version] : s.session_dialog_versions())
        in_use->insert(dialog::dialog_library::version_key(id, version));
      return core::status::ok();
    };
    // Named jobs, not temporaries inside co_await: GCC 12 destroys those twice.
    core::status st;
    if (reads_) st = co_await async_read(*reads_, std::move(versions_job), asio::use_awaitable);
    else st = co_await async_write(*writes_, std::move(versions_job), asio::use_awaitable);
    if (!st) {
      log_error("dialogs_reload_failed", {{"error", "cannot read the sessions' dialog versions: " + st.message()}});
      co_return;
    }
    std::vector<dialog::diagnostic> warnings;
    auto merged = dialog::dialog_library::reload(cfg_.dialogs_dir, *conversation_->library(),
                                                 *in_use, &warnings);
    if (!merged) {
      log_error("dialogs_reload_failed", {{"error", merged.error().message()}});
      co_return;
    }
    log_dialog_warnings(warnings);
    const auto earlier = merged->version_count() - merged->dialog_ids().size();
    conversation_->set_library(std::make_shared<const dialog::dialog_library>(std::move(*merged)));
    log_info("dialogs_reloaded", {{"dir", cfg_.dialogs_dir}, {"earlier_versions", std::to_string(earlier)}});
  }, asio::detached);
}

void service::shutdown() {
  if (stopping_.exchange(true)) return;
  log_info("shutdown_started");
  server_->stop([this] {
    // In-flight requests are answered. The pumps see `stopping_`, finish the batch they hold
    // (its results are stored), and exit; then the mail and webhook workers, the client and the
    // store stop.
    wake_outbox();
    asio::co_spawn(io_, [this]() -> asio::awaitable<void> {
      asio::steady_timer t(io_);
      while (active_pumps_ > 0) {
        t.expires_after(std::chrono::milliseconds(10));
        co_await t.async_wait(asio::use_awaitable);
      }
      if (mail_thread_.joinable()) mail_thread_.join();
      if (webhook_thread_.joinable()) webhook_thread_.join();
      // The pumps have their answers; anything else still in flight is bounded by its timeout.
      while (client_.in_flight() > 0) {
        t.expires_after(std::chrono::milliseconds(10));
        co_await t.async_wait(asio::use_awaitable);
      }
      client_.stop();  // on the outbox thread: closes the idle connections
      outbox_io_.stop();
      if (outbox_thread_.joinable()) outbox_thread_.join();
      if (reads_) reads_->stop();
      writes_->stop();
      if (checkpointer_) checkpointer_->stop();
      io_.stop();
    }, asio::detached);
  });
}

int service::run() {
  writes_->start();
  if (reads_) reads_->start();
  client_.start();
  if (auto s = server_->start(); !s) {
    log_error("listen_failed", {{"error", s.message()}});
    if (reads_) reads_->stop();
    writes_->stop();
    client_.stop();
    return 1;
  }
  asio::signal_set signals(io_, SIGINT, SIGTERM);
  signals.async_wait([this](const boost::system::error_code& ec, int) {
    if (!ec) shutdown();
  });
  asio::signal_set hup(io_, SIGHUP);
  std::function<void()> wait_hup = [&] {
    hup.async_wait([&](const boost::system::error_code& ec, int) {
      if (ec) return;
      reload_dialogs();
      wait_hup();
    });
  };
  wait_hup();
  // Counted here, not when the pump starts on its thread: a stop must not find 0 pumps before it.
  ++active_pumps_;
  asio::co_spawn(outbox_io_, outbox_pump(), asio::detached);
  outbox_thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "tuki-outbox");  // for per-thread CPU in top and bench
    outbox_io_.run();
  });
  asio::co_spawn(io_, timer_pump(), asio::detached);
  asio::co_spawn(io_, sla_pump(), asio::detached);
  asio::co_spawn(io_, scheduler_pump(), asio::detached);
  mail_thread_ = std::thread([this] { mail_worker(); });
  webhook_thread_ = std::thread([this] { webhook_worker(); });
  log_info("listening", {{"address", cfg_.http.listen},
                         {"port", std::to_string(server_->port())},
                         {"max_connections", std::to_string(http_connection_cap(cfg_.http))},
                         {"store", cfg_.store.path},
                         {"gateways", std::to_string(gateways_.size())}});
  io_.run();
  log_info("stopped");
  return 0;
}

}  // namespace tuki::app
