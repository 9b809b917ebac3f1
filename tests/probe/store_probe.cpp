// Review probes (durability and the store). Each case PASSES while the defect it names is
// present: its CHECKs state what happens now, and a comment says what the rule asks instead.
// Built as its own binary (store_probes) so that it does not join tuki_tests:
//   cmake --build build --target store_probes && ./build/store_probes
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <string>
#include <string_view>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "support/running_service.hpp"
#include "support/silent_server.hpp"
#include "support/stderr_capture.hpp"
#include "support/students.hpp"
#include "support/temp_db.hpp"
#include "tuki/adapters/store/sqlite_store.hpp"
#include "tuki/app/conversation.hpp"
#include "tuki/app/role_names.hpp"
#include "tuki/app/service.hpp"
#include "tuki/app/wall_clock.hpp"
#include "tuki/app/write_queue.hpp"

using namespace tuki;
namespace fs = std::filesystem;

// ---- fault injection: fdatasync of the WAL on the write queue's sync thread fails (EIO) ----
namespace {
std::atomic<int> wal_sync_failures_to_inject{0};
std::atomic<int> wal_sync_failures_injected{0};

bool wal_fd_on_sync_thread(int fd) {
  char name[16] = {};
  pthread_getname_np(pthread_self(), name, sizeof name);
  if (std::string_view(name) != "tuki-sync") return false;
  char link[64];
  std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  char target[4096];
  const auto n = ::readlink(link, target, sizeof target - 1);
  if (n <= 4) return false;
  const std::string_view t(target, static_cast<std::size_t>(n));
  return t.substr(t.size() - 4) == "-wal";
}
}  // namespace

// Defined in the executable: wal_file_sync's call (and SQLite's) resolve here first.
extern "C" int fdatasync(int fd) {
  if (wal_sync_failures_to_inject.load() > 0 && wal_fd_on_sync_thread(fd) &&
      wal_sync_failures_to_inject.fetch_sub(1) > 0) {
    ++wal_sync_failures_injected;
    errno = EIO;
    return -1;
  }
  return static_cast<int>(::syscall(SYS_fdatasync, fd));
}

namespace {

struct probe_dir {
  fs::path dir;
  explicit probe_dir(const std::string& name) {
    dir = fs::temp_directory_path() / (name + "-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::ofstream(dir / "schedule.yaml") << "tuki_schedule: 1\ninstitution: varia\n"
                                            "time_zone: Europe/Helsinki\nquiet_hours:\n"
                                            "  send_from: \"00:00\"\n  send_until: \"24:00\"\n";
  }
  ~probe_dir() { fs::remove_all(dir); }
  config::config config(int port, const std::string& institution_extra = "") const {
    std::string yaml = "dialogs_dir: " + std::string(TUKI_SOURCE_DIR) + "/dialogs\n" +
                       "http:\n  port: " + std::to_string(port) +
                       "\nstore:\n  path: " + (dir / "tuki.db").string() +
                       "\nmail:\n  type: file\n  dir: " + (dir / "mail").string() +
                       "\ngateways:\n  - name: console\n    type: console\n"
                       "institutions:\n  - id: varia\n    gateway: console\n"
                       "    crisis_contact: kriisi@varia.test\n    schedule_file: " +
                       (dir / "schedule.yaml").string() + "\n    helpline:\n      fi: Soita 112\n" +
                       institution_extra;
    auto c = config::parse_config(yaml, "probe.yaml", config::process_env());
    INFO(c.error().to_string());
    REQUIRE(c);
    return *c;
  }
};

core::http_response fetch(adapters::http_client& client, const std::string& url) {
  std::promise<core::http_response> p;
  client.submit({"GET", url, {}, "", ""},
                [&p](core::http_response r, std::string) { p.set_value(r); });
  return p.get_future().get();
}

std::int64_t count(adapters::sqlite_store& s, const std::string& sql) {
  auto& q = s.db().prepare(sql);
  const std::int64_t n = q.step() ? q.column_int(0) : -1;
  q.reset();
  return n;
}

}  // namespace

TEST_CASE("probe: a reply whose WAL fsync failed is answered 200 as a duplicate, no error logged",
          "[probe][store]") {
  probe_dir d("probe-fsync");
  const auto cfg = d.config(0);
  {
    auto store = app::open_store(cfg);
    REQUIRE(store);
    REQUIRE((*store)->upsert_students({testing::aino()}, app::wall_now()));
  }
  std::string log;
  int status = 0;
  {
    testing::stderr_capture capture(d.dir / "stderr.log");
    testing::running_service running(cfg);
    // Let the pumps' first rounds (and their syncs) pass, so that the one injected failure is
    // the sync of the batch holding the reply.
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    wal_sync_failures_to_inject = 1;
    status = fetch(running.client, running.base +
                                       "/v1/gateways/console/inbound?from=%2B358401234567&text="
                                       "hei&id=fsync-1")
                 .status;
    running.stop();
    log = capture.text();
  }
  INFO(log);
  REQUIRE(wal_sync_failures_injected == 1);
  // The rule: data whose fsync failed may not be on disk, so the gateway must be told 503 and
  // retry. What happens: wal_file_sync's error is `internal`, not `io_error`, so the inbound
  // route takes it for "a failure a retry would not change" and runs keep_unanswered, whose
  // insert meets the row of the failed batch (already in the WAL, in the page cache): a
  // duplicate, answered 200. Nothing is logged as an error.
  CHECK(status == 200);
  CHECK_THAT(log, Catch::Contains("event=inbound_duplicate"));
  CHECK_THAT(log, !Catch::Contains("inbound_store_failed"));
  CHECK_THAT(log, !Catch::Contains("level=error"));
}

TEST_CASE("probe: a second service that cannot bind the port still requeues the running one's "
          "in-flight SMS and mail",
          "[probe][store]") {
  // Instance A holds the port (a listening socket stands in for it) and is sending one SMS and
  // one mail (claimed: `sending` / `running`).
  const int sock = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(sock >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::listen(sock, 4) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(sock, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  const int port = ntohs(addr.sin_port);

  probe_dir d("probe-second");
  const auto cfg = d.config(port);
  const auto now = app::wall_now();
  std::int64_t sms = 0, job = 0;
  {
    auto store = app::open_store(cfg);
    REQUIRE(store);
    auto& s = **store;
    REQUIRE(s.upsert_students({testing::aino()}, now));
    const auto sid = s.find_student_by_phone(testing::aino().phone)->id;
    sms = s.enqueue_sms(sid, "console", "hei", 1, "reply", now, now).value();
    REQUIRE(s.claim_sms(10, now).value().size() == 1);
    job = s.enqueue_job("mail", "{}", now, now).value();
    REQUIRE(s.claim_jobs("mail", 10, now).size() == 1);
  }
  // Instance B: an operator's second `tuki serve`, or a service manager starting the new one
  // before the old one has exited.
  {
    auto b = app::service::create(cfg);
    REQUIRE(b);
    CHECK((*b)->run() == 1);  // listen_failed: B exits
  }
  auto store = app::open_store(cfg);
  REQUIRE(store);
  auto& s = **store;
  // The rule: only a crash may leave work to requeue. What happens: B requeued A's live work in
  // service::create, before it found the port taken.
  CHECK(s.message_status(sms) == "queued");
  CHECK_FALSE(s.job_running(job).value());
  // A's answer for its SMS is now thrown away (mark_sent moves only `sending`), so the pump
  // claims and sends it again; the same holds for the mail job (job_running is false, its
  // outcome is not stored, the mail worker sends it again).
  CHECK(s.mark_sent({{sms, "0: Accepted for delivery"}}, now).value() == 0);
  ::close(sock);
}

TEST_CASE("probe: one timer whose step fails holds back every other student's due timers",
          "[probe][store]") {
  const bool poisoned = GENERATE(false, true);
  CAPTURE(poisoned);
  probe_dir d("probe-timers");
  const auto cfg = d.config(0);
  std::int64_t s1 = 0, s2 = 0;
  {
    auto store = app::open_store(cfg);
    REQUIRE(store);
    auto& s = **store;
    auto other = testing::aino();
    other.ref = "s2";
    other.phone = "+358401234568";
    REQUIRE(s.upsert_students({testing::aino(), other}, app::wall_now()));
    s1 = s.find_student_by_phone(testing::aino().phone)->id;
    s2 = s.find_student_by_phone(other.phone)->id;
    auto lib = app::load_dialogs(cfg);
    REQUIRE(lib);
    app::conversation conv(cfg, *lib, app::role_names::load(cfg.dialogs_dir).value());
    REQUIRE(s.begin());
    REQUIRE(conv.start_checkin(s, s1, "weekly_checkin", app::wall_now()).value());
    REQUIRE(conv.start_checkin(s, s2, "weekly_checkin", app::wall_now()).value());
    REQUIRE(s.commit());
    // Both students' timers fall due now.
    REQUIRE(s.db().exec("UPDATE timers SET due_at = 1"));
    REQUIRE(count(s, "SELECT COUNT(*) FROM timers WHERE due_at = 1 AND student_id = " +
                         std::to_string(s2)) >= 1);
    if (poisoned) {
      // Student s1's step cannot be stored, for a reason a retry does not change (as
      // inbound_unanswered_test injects it): whatever the timer does for s1 fails.
      const std::string who = std::to_string(s1);
      REQUIRE(s.db().exec(
          "CREATE TRIGGER poison_u BEFORE UPDATE ON sessions WHEN OLD.student_id = " + who +
          " BEGIN SELECT RAISE(ABORT, 'poison'); END;"
          "CREATE TRIGGER poison_d BEFORE DELETE ON sessions WHEN OLD.student_id = " + who +
          " BEGIN SELECT RAISE(ABORT, 'poison'); END;"
          "CREATE TRIGGER poison_t BEFORE INSERT ON timers WHEN NEW.student_id = " + who +
          " BEGIN SELECT RAISE(ABORT, 'poison'); END;"));
    }
  }
  std::string log;
  {
    testing::stderr_capture capture(d.dir / "stderr.log");
    testing::running_service running(cfg);
    std::this_thread::sleep_for(std::chrono::milliseconds(3500));  // three timer rounds
    running.stop();
    log = capture.text();
  }
  auto store = app::open_store(cfg);
  REQUIRE(store);
  const auto s2_due = count(**store, "SELECT COUNT(*) FROM timers WHERE due_at = 1 AND student_id = " +
                                         std::to_string(s2));
  if (!poisoned) {
    CHECK(s2_due == 0);  // control: s2's due timers fired
  } else {
    // The rule: nothing stuck forever. What happens: the timer pump fires every due timer in
    // one job; s1's failure rolls back all of them, every second, for as long as s1's timer is
    // due: s2's reminder, timeout and expiry never fire. (The SLA pump isolates each ticket in
    // a savepoint; the timer pump does not.)
    CHECK(s2_due >= 1);
    CHECK_THAT(log, Catch::Contains("event=timers_failed"));
  }
}

TEST_CASE("probe: while another connection holds the write lock over 5 s (a large students "
          "import), a reply is answered 503",
          "[probe][store]") {
  probe_dir d("probe-lock");
  const auto cfg = d.config(0);
  {
    auto store = app::open_store(cfg);
    REQUIRE(store);
    REQUIRE((*store)->upsert_students({testing::aino()}, app::wall_now()));
  }
  testing::running_service running(cfg);
  // What `tuki students import` does: BEGIN IMMEDIATE, then one transaction for the whole file
  // (student_import.cpp), about 14 s for 1,000,000 rows at docs/performance.md's 69,286 rows/s.
  sqlite3* other = nullptr;
  REQUIRE(sqlite3_open((d.dir / "tuki.db").c_str(), &other) == SQLITE_OK);
  REQUIRE(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
  const auto started = std::chrono::steady_clock::now();
  const int status =
      fetch(running.client,
            running.base + "/v1/gateways/console/inbound?from=%2B358401234567&text=hei&id=lock-1")
          .status;
  const auto took = std::chrono::steady_clock::now() - started;
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  // The store thread waited busy_timeout (5 s) in BEGIN IMMEDIATE, then failed the batch:
  // Twilio does not retry a 503, and Kannel only with http-request-retry set.
  CHECK(status == 503);
  CHECK(took >= std::chrono::seconds(5));
}

TEST_CASE("probe: a student's open ticket of a category is looked up by scanning all tickets",
          "[probe][store]") {
  testing::temp_db db;
  auto opened = adapters::sqlite_store::open(db.path.string());
  REQUIRE(opened);
  auto& store = **opened;
  std::string sql;
  sqlite3_trace_v2(
      store.db().raw(), SQLITE_TRACE_STMT,
      [](unsigned, void* ctx, void* stmt, void*) -> int {
        *static_cast<std::string*>(ctx) = sqlite3_sql(static_cast<sqlite3_stmt*>(stmt));
        return 0;
      },
      &sql);
  (void)store.open_ticket_of(7, "exam_stress");
  sqlite3_trace_v2(store.db().raw(), 0, nullptr, nullptr);
  REQUIRE_THAT(sql, Catch::Contains("FROM tickets"));
  sqlite3_stmt* q = nullptr;
  REQUIRE(sqlite3_prepare_v2(store.db().raw(), ("EXPLAIN QUERY PLAN " + sql).c_str(), -1, &q,
                             nullptr) == SQLITE_OK);
  std::string plan;
  while (sqlite3_step(q) == SQLITE_ROW)
    plan += std::string(reinterpret_cast<const char*>(sqlite3_column_text(q, 3))) + "\n";
  sqlite3_finalize(q);
  INFO(plan);
  // Run for every open_ticket effect of a student's unprompted message (conversation.cpp
  // join_open_tickets), on the store thread: a walk of the tickets table (newest first, to the
  // end when the student has none open of that category).
  CHECK_THAT(plan, Catch::Contains("SCAN tickets"));
}

TEST_CASE("probe: a stop waits for every claimed webhook of a receiver that hangs, 10 s each",
          "[probe][store]") {
  testing::silent_server hang;
  probe_dir d("probe-webhook-stop");
  const auto cfg = d.config(0, "    webhook:\n      url: http://127.0.0.1:" +
                                   std::to_string(hang.port()) + "/hook\n      secret: s3cret\n");
  {
    auto store = app::open_store(cfg);
    REQUIRE(store);
    for (int i = 0; i < 3; ++i)
      REQUIRE((*store)->enqueue_job("webhook", R"({"institution":"varia","body":"{}"})",
                                    app::wall_now(), app::wall_now()));
  }
  std::chrono::steady_clock::duration took{};
  {
    testing::running_service running(cfg);
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // all three claimed
    const auto started = std::chrono::steady_clock::now();
    running.stop();  // as on SIGTERM
    took = std::chrono::steady_clock::now() - started;
  }
  // The rule: a stop abandons what it cannot finish safely (start-up queues it again), as the
  // mail worker does after an outage (release_rest). What happens: send_webhooks POSTs the rest
  // of its batch (up to 16) whatever `stopping_` says, each waiting for post_webhook's 10 s
  // timeout: up to 160 s, past a service manager's usual stop timeout (systemd: 90 s), which
  // then kills it.
  CHECK(took >= std::chrono::seconds(25));
}

TEST_CASE("probe: after SQLite rolls back a batch mid-job, the batch's later jobs run and commit "
          "outside any transaction, and are reported failed: a claim stays `sending`",
          "[probe][store]") {
  testing::temp_db db;
  auto opened = adapters::sqlite_store::open(db.path.string());
  REQUIRE(opened);
  const auto now = app::wall_now();
  std::int64_t sms = 0;
  {
    auto& s = **opened;
    REQUIRE(s.upsert_institution("varia", "Varia", "FI", "Europe/Helsinki"));
    REQUIRE(s.upsert_students({testing::aino()}, now));
    const auto sid = s.find_student_by_phone(testing::aino().phone)->id;
    sms = s.enqueue_sms(sid, "console", "hei", 1, "reply", now, now).value();
  }
  auto* raw = (*opened)->db().raw();
  app::write_queue q(std::move(*opened), 512);
  q.start();
  // A first job holds the store thread, so that the next three share one batch.
  std::promise<void> go;
  auto held = go.get_future().share();
  q.submit([held](adapters::sqlite_store&) { held.wait(); return core::status::ok(); }, {});
  std::promise<core::status> r1, r2, r3;
  q.submit([&](adapters::sqlite_store& s) { return s.audit("probe", "one", "", "", now); },
           [&](core::status st) { r1.set_value(st); });
  // A statement ends in an error after which SQLite rolls the whole transaction back (SQLITE_IOERR
  // on a read or write, SQLITE_FULL without a statement journal, SQLITE_NOMEM; here
  // SQLITE_INTERRUPT from a progress handler, which SQLite treats the same way).
  q.submit(
      [&](adapters::sqlite_store& s) {
        sqlite3_progress_handler(raw, 1, [](void*) { return 1; }, nullptr);
        auto st = s.audit("probe", "two", "", "", now);
        sqlite3_progress_handler(raw, 0, nullptr, nullptr);
        return st;
      },
      [&](core::status st) { r2.set_value(st); });
  // The outbox's claim, next in the batch.
  q.submit(
      [&](adapters::sqlite_store& s) {
        auto c = s.claim_sms(10, now);
        if (!c) return c.error();
        return c->size() == 1 ? core::status::ok() : core::status::internal("nothing claimed");
      },
      [&](core::status st) { r3.set_value(st); });
  go.set_value();
  const auto s1 = r1.get_future().get(), s2 = r2.get_future().get(), s3 = r3.get_future().get();
  q.stop();
  CHECK_FALSE(s1);
  CHECK_FALSE(s2);
  // The rule: a job reported failed changed nothing (the pump retries a failed claim and
  // believes nothing was claimed). What happens: the claim ran after the rollback, in a
  // SAVEPOINT that opened a transaction of its own, and RELEASE committed it; the batch's COMMIT
  // then failed ("no transaction is active") and the claim was reported failed. The message is
  // `sending`, claimed by nobody: nothing puts it back until the next restart.
  CHECK_FALSE(s3);
  INFO(s3.message());
  auto check = adapters::sqlite_store::open(db.path.string());
  REQUIRE(check);
  CHECK((*check)->message_status(sms) == "sending");
  CHECK_FALSE((*check)->audited_since("one", "", core::from_unix_ms(0)));  // rolled back: right
}
