#include "tuki/app/write_queue.hpp"

#include <algorithm>
#include <atomic>
#include <functional>
#include <future>
#include <mutex>
#include <thread>

#include <sqlite3.h>
#include <catch2/catch.hpp>

#include "support/stderr_capture.hpp"
#include "support/temp_db.hpp"

using namespace tuki;

TEST_CASE("write queue commits jobs in batches and isolates a failing job", "[app][write_queue]") {
  testing::temp_db db("tuki-wq");
  auto store = adapters::sqlite_store::open(db.str());
  REQUIRE(store);
  app::write_queue q(std::move(*store), 64);
  q.start();
  const int n = 500;
  std::vector<std::promise<core::status>> done(n);
  for (int i = 0; i < n; ++i) {
    q.submit(
        [i](adapters::sqlite_store& s) -> core::status {
          auto r = s.insert_inbound(std::nullopt, "kannel", "id-" + std::to_string(i % 250), "x",
                                    core::from_unix_ms(0));
          return r.error();
        },
        [&done, i](core::status st) { done[i].set_value(st); });
  }
  int ok = 0, duplicates = 0;
  for (auto& d : done) {
    auto st = d.get_future().get();
    if (st) ++ok;
    else if (st.error_code() == core::status::code::already_exists) ++duplicates;
  }
  CHECK(ok == 250);
  CHECK(duplicates == 250);
  auto stats = q.statistics();
  CHECK(stats.jobs == n);
  CHECK(stats.failed_jobs == 250);
  CHECK(stats.batches <= stats.jobs);
  q.stop();
  std::promise<core::status> after;
  q.submit([](adapters::sqlite_store&) { return core::status::ok(); },
           [&after](core::status st) { after.set_value(st); });
  CHECK(after.get_future().get().error_code() == core::status::code::unavailable);
  // Everything committed is in the file.
  auto reopened = adapters::sqlite_store::open(db.str());
  REQUIRE(reopened);
  std::int64_t stored = 0;
  for (const auto& c : (*reopened)->count_messages()) stored += c.count;
  CHECK(stored == 250);
}

TEST_CASE("what a job leaves for after the commit runs only for the jobs kept",
          "[app][write_queue]") {
  testing::temp_db db("tuki-wq-after");
  auto store = adapters::sqlite_store::open(db.str());
  REQUIRE(store);
  app::write_queue q(std::move(*store), 64);
  std::mutex m;
  std::vector<int> counted;
  std::atomic<bool> committed_before{true};
  q.start();
  const int n = 40;
  std::vector<std::promise<core::status>> done(n);
  for (int i = 0; i < n; ++i)
    q.submit(
        [&, i](adapters::sqlite_store& s) -> core::status {
          auto r = s.insert_inbound(std::nullopt, "kannel", "after-" + std::to_string(i % 20), "x",
                                    core::from_unix_ms(0));
          s.db().after_commit([&, i, &db_ = s.db()] {
            // Runs after COMMIT, outside any transaction.
            if (!sqlite3_get_autocommit(db_.raw())) committed_before = false;
            std::lock_guard lock(m);
            counted.push_back(i);
          });
          return r.error();  // the second of each id fails: its hook must not run
        },
        [&done, i](core::status st) { done[i].set_value(st); });
  int ok = 0;
  for (auto& d : done) ok += d.get_future().get().is_ok() ? 1 : 0;
  q.stop();
  CHECK(ok == 20);
  std::lock_guard lock(m);
  std::sort(counted.begin(), counted.end());
  std::vector<int> expected(20);
  for (int i = 0; i < 20; ++i) expected[i] = i;
  CHECK(counted == expected);
  CHECK(committed_before);
}

namespace {

using testing::temp_db;


core::status insert_one(adapters::sqlite_store& s, const std::string& id) {
  return s.insert_inbound(std::nullopt, "kannel", id, "x", core::from_unix_ms(0)).error();
}

/// A sync function whose first call is held until release(): `on_first` runs first (it may look
/// at what is committed), then `entered` becomes ready. Later calls return at once.
struct held_first_sync {
  std::function<void()> on_first;
  std::promise<void> entered, released;
  std::shared_future<void> release_future = released.get_future().share();
  std::atomic<int> calls{0};
  app::write_queue::sync_function function() {
    return [this]() -> core::status {
      if (calls++ == 0) {
        if (on_first) on_first();
        entered.set_value();
        release_future.wait();
      }
      return core::status::ok();
    };
  }
  void release() { released.set_value(); }
};

}  // namespace

TEST_CASE("with a sync function a job is reported only after a sync that follows its commit",
          "[app][write_queue]") {
  temp_db db;
  auto store = adapters::sqlite_store::open(db.path.string());
  REQUIRE(store);
  // The sync function blocks until the test lets it go, and records how many rows were committed
  // when it started (read through a connection of its own: committed data only).
  std::atomic<std::int64_t> committed_at_sync{-1};
  auto reader = adapters::sqlite_store::open(db.path.string());
  REQUIRE(reader);
  held_first_sync sync;
  sync.on_first = [&] {
    std::int64_t rows = 0;
    for (const auto& c : (*reader)->count_messages()) rows += c.count;
    committed_at_sync = rows;
  };
  app::write_queue q(std::move(*store), 64, sync.function());
  q.start();
  std::promise<core::status> first;
  std::atomic<bool> first_reported{false};
  q.submit([](adapters::sqlite_store& s) { return insert_one(s, "a"); },
           [&](core::status st) {
             first_reported = true;
             first.set_value(st);
           });
  sync.entered.get_future().wait();
  // The batch is committed (the sync saw its row) but not reported while the sync runs.
  CHECK(committed_at_sync == 1);
  CHECK_FALSE(first_reported);
  // The store thread is not held up by the sync: a second job commits meanwhile.
  std::promise<core::status> second;
  q.submit([](adapters::sqlite_store& s) { return insert_one(s, "b"); },
           [&](core::status st) { second.set_value(st); });
  for (int i = 0; i < 500; ++i) {
    std::int64_t rows = 0;
    for (const auto& c : (*reader)->count_messages()) rows += c.count;
    if (rows == 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::int64_t rows = 0;
  for (const auto& c : (*reader)->count_messages()) rows += c.count;
  CHECK(rows == 2);
  CHECK_FALSE(first_reported);
  sync.release();
  CHECK(first.get_future().get());
  CHECK(second.get_future().get());
  q.stop();
  CHECK(sync.calls >= 2);  // the second batch needed a sync of its own
  auto stats = q.statistics();
  CHECK(stats.syncs == static_cast<std::uint64_t>(sync.calls.load()));
  CHECK(stats.syncs <= stats.batches);
}

TEST_CASE("a failed sync fails the committed jobs it covered and keeps their order",
          "[app][write_queue]") {
  temp_db db;
  auto store = adapters::sqlite_store::open(db.path.string());
  REQUIRE(store);
  std::atomic<bool> fail{true};
  app::write_queue q(std::move(*store), 64, [&]() -> core::status {
    if (fail) return core::status::internal("cannot sync test.db-wal: Input/output error");
    return core::status::ok();
  });
  q.start();
  std::vector<int> order;
  std::mutex order_mutex;
  std::vector<std::promise<core::status>> done(20);
  for (int i = 0; i < 20; ++i)
    q.submit([i](adapters::sqlite_store& s) { return insert_one(s, "id-" + std::to_string(i % 10)); },
             [&, i](core::status st) {
               {
                 std::lock_guard lock(order_mutex);
                 order.push_back(i);
               }
               done[i].set_value(st);
             });
  int io_errors = 0, duplicates = 0;
  for (auto& d : done) {
    auto st = d.get_future().get();
    if (st.error_code() == core::status::code::io_error) ++io_errors;
    else if (st.error_code() == core::status::code::already_exists) ++duplicates;
  }
  // The first ten were committed but not made durable: reported as failed, not as stored. The
  // duplicates keep their own error.
  CHECK(io_errors == 10);
  CHECK(duplicates == 10);
  CHECK(std::is_sorted(order.begin(), order.end()));
  fail = false;
  std::promise<core::status> later;
  q.submit([](adapters::sqlite_store& s) { return insert_one(s, "later"); },
           [&](core::status st) { later.set_value(st); });
  CHECK(later.get_future().get());
  q.stop();
}

TEST_CASE("stop reports every committed job after a last sync", "[app][write_queue]") {
  temp_db db;
  auto store = adapters::sqlite_store::open(db.path.string());
  REQUIRE(store);
  std::atomic<int> calls{0};
  app::write_queue q(std::move(*store), 8, [&] {
    ++calls;
    return core::status::ok();
  });
  q.start();
  std::atomic<int> ok{0};
  for (int i = 0; i < 100; ++i)
    q.submit([i](adapters::sqlite_store& s) { return insert_one(s, "s-" + std::to_string(i)); },
             [&](core::status st) {
               if (st) ++ok;
             });
  q.stop();
  CHECK(ok == 100);
  CHECK(calls >= 1);
  CHECK(q.statistics().syncs == static_cast<std::uint64_t>(calls.load()));
}

TEST_CASE("a job that waits only for its commit is reported while the sync still runs",
          "[app][write_queue]") {
  temp_db db;
  auto store = adapters::sqlite_store::open(db.path.string());
  REQUIRE(store);
  held_first_sync sync;
  app::write_queue q(std::move(*store), 64, sync.function());
  q.start();
  // A durable job first: its commit starts the sync, which the test holds.
  std::atomic<bool> durable_reported{false};
  std::promise<core::status> durable;
  q.submit([](adapters::sqlite_store& s) { return insert_one(s, "a"); },
           [&](core::status st) {
             durable_reported = true;
             durable.set_value(st);
           });
  sync.entered.get_future().wait();
  // While that sync is held, a committed-only job and a failing one are reported all the same;
  // a durable job of the same batch still waits.
  std::promise<core::status> quick, failing;
  std::atomic<bool> late_reported{false};
  std::promise<core::status> late;
  q.submit([](adapters::sqlite_store& s) { return insert_one(s, "b"); },
           [&](core::status st) { quick.set_value(st); }, app::write_queue::report_when::committed);
  q.submit([](adapters::sqlite_store&) { return core::status::invalid_argument("no"); },
           [&](core::status st) { failing.set_value(st); }, app::write_queue::report_when::committed);
  q.submit([](adapters::sqlite_store& s) { return insert_one(s, "c"); },
           [&](core::status st) {
             late_reported = true;
             late.set_value(st);
           });
  auto quick_future = quick.get_future();
  auto failing_future = failing.get_future();
  REQUIRE(quick_future.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
  CHECK(quick_future.get());
  REQUIRE(failing_future.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
  CHECK(failing_future.get().error_code() == core::status::code::invalid_argument);
  CHECK_FALSE(durable_reported);
  CHECK_FALSE(late_reported);
  sync.release();
  CHECK(durable.get_future().get());
  CHECK(late.get_future().get());
  q.stop();
}

namespace {

// Submits a job that succeeds and may wait for company (pace::gather); `done` gets its status.
void submit_gathered(app::write_queue& q, std::promise<core::status>& done) {
  q.submit([](adapters::sqlite_store&) { return core::status::ok(); },
           [&done](core::status st) { done.set_value(st); },
           app::write_queue::report_when::durable, app::write_queue::pace::gather);
}

}  // namespace

TEST_CASE("gathered jobs wait for company; a job that may not wait ends the wait",
          "[app][write_queue]") {
  temp_db db("tuki-wq-gather");
  auto store = adapters::sqlite_store::open(db.str());
  REQUIRE(store);
  app::write_queue q(std::move(*store), 64);
  q.set_gather_for(std::chrono::hours(1));  // far longer than this test: only B can end it
  q.start();
  auto ok = [](adapters::sqlite_store&) { return core::status::ok(); };
  std::promise<core::status> a, b;
  auto a_done = a.get_future();
  submit_gathered(q, a);
  // A waits for company: not run, not reported.
  CHECK(a_done.wait_for(std::chrono::milliseconds(200)) == std::future_status::timeout);
  CHECK(q.statistics().batches == 0);
  q.submit(ok, [&b](core::status st) { b.set_value(st); });
  CHECK(b.get_future().get());
  CHECK(a_done.get());
  // Both in one transaction.
  CHECK(q.statistics().batches == 1);
  CHECK(q.statistics().jobs == 2);
  q.stop();
}

TEST_CASE("gathered jobs alone commit once the oldest has waited, and at stop at once",
          "[app][write_queue]") {
  temp_db db("tuki-wq-gather-alone");
  auto store = adapters::sqlite_store::open(db.str());
  REQUIRE(store);
  app::write_queue q(std::move(*store), 64);
  SECTION("after gather_for") {
    q.set_gather_for(std::chrono::milliseconds(1));
    q.start();
    std::promise<core::status> a;
    submit_gathered(q, a);
    CHECK(a.get_future().get());
    CHECK(q.statistics().batches == 1);
    q.stop();
  }
  SECTION("stop does not wait for company") {
    q.set_gather_for(std::chrono::hours(1));
    q.start();
    std::promise<core::status> a;
    auto a_done = a.get_future();
    submit_gathered(q, a);
    q.stop();  // runs what is queued, then returns
    REQUIRE(a_done.wait_for(std::chrono::seconds(0)) == std::future_status::ready);
    CHECK(a_done.get());
  }
}

TEST_CASE("a failed sync is a storage failure (io_error) whatever the sync called it, logged as an error",
          "[app][write_queue][store]") {
  // The inbound route answers 5xx (the gateway retries) only for io_error; any other failure
  // takes the keep-unanswered path, which meets the committed row as a duplicate and answers 200.
  temp_db db;
  auto store = adapters::sqlite_store::open(db.path.string());
  REQUIRE(store);
  std::string log;
  core::status st;
  {
    testing::stderr_capture capture(db.path.string() + ".stderr");
    app::write_queue q(std::move(*store), 64, []() -> core::status {
      return core::status::internal("cannot sync test.db-wal: Input/output error");
    });
    q.start();
    std::promise<core::status> done;
    q.submit([](adapters::sqlite_store& s) { return insert_one(s, "k1"); },
             [&](core::status s) { done.set_value(s); });
    st = done.get_future().get();
    q.stop();
    log = capture.text();
  }
  std::filesystem::remove(db.path.string() + ".stderr");
  CHECK(st.error_code() == core::status::code::io_error);
  CHECK_THAT(st.message(), Catch::Contains("Input/output error"));
  CHECK_THAT(log, Catch::Contains("level=error event=store_sync_failed"));
}

TEST_CASE("when SQLite rolls a batch back in the middle of a job, nothing of its jobs commits and the rest run in a new transaction",
          "[app][write_queue][store]") {
  temp_db db;
  auto store = adapters::sqlite_store::open(db.path.string());
  REQUIRE(store);
  auto* raw = (*store)->db().raw();
  app::write_queue q(std::move(*store), 64);
  q.start();
  // A first job holds the store thread, so that the next three share one batch.
  std::promise<void> go;
  auto held = go.get_future().share();
  q.submit([held](adapters::sqlite_store&) { held.wait(); return core::status::ok(); }, {});
  std::promise<core::status> r1, r2, r3;
  q.submit([](adapters::sqlite_store& s) { return insert_one(s, "one"); },
           [&](core::status st) { r1.set_value(st); });
  // An interrupted statement: SQLite rolls the whole transaction back, as after SQLITE_IOERR or
  // SQLITE_FULL. The job ignores the error (as a swallowed audit row would) and writes on: in
  // autocommit, that write would commit half a step.
  q.submit(
      [raw](adapters::sqlite_store& s) {
        sqlite3_progress_handler(raw, 1, [](void*) { return 1; }, nullptr);
        (void)insert_one(s, "two");
        sqlite3_progress_handler(raw, 0, nullptr, nullptr);
        (void)insert_one(s, "half");
        return core::status::ok();
      },
      [&](core::status st) { r2.set_value(st); });
  q.submit([](adapters::sqlite_store& s) { return insert_one(s, "three"); },
           [&](core::status st) { r3.set_value(st); });
  std::string log;
  core::status s1, s2, s3;
  {
    testing::stderr_capture capture(db.path.string() + ".stderr");
    go.set_value();
    s1 = r1.get_future().get();
    s2 = r2.get_future().get();
    s3 = r3.get_future().get();
    q.stop();
    log = capture.text();
  }
  std::filesystem::remove(db.path.string() + ".stderr");
  // The jobs the rollback undid are reported failed as a storage failure (the inbound route
  // answers 503); the job not yet run ran in a transaction of its own and is kept.
  CHECK(s1.error_code() == core::status::code::io_error);
  CHECK(s2.error_code() == core::status::code::io_error);
  CHECK(s3);
  CHECK_THAT(log, Catch::Contains("level=error event=store_batch_rolled_back"));
  auto check = adapters::sqlite_store::open(db.path.string());
  REQUIRE(check);
  // A row that is there makes a second insert a duplicate.
  CHECK(insert_one(**check, "one"));
  CHECK(insert_one(**check, "half"));
  CHECK(insert_one(**check, "three").error_code() == core::status::code::already_exists);
}
