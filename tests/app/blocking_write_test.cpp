// The worker threads' blocking writes: a store that fails is rolled back and run again until it
// is stored, so an outbox job's outcome is never left unstored while the service runs.
#include "tuki/app/blocking_write.hpp"

#include <atomic>

#include <catch2/catch.hpp>

#include "support/temp_db.hpp"

using namespace tuki;
using std::chrono::milliseconds;

namespace {

// Stores inbound message `id` and fails (after the write) until it has run `fail_first` times.
app::write_queue::job flaky_insert(int& runs, int fail_first, const std::string& id) {
  return [&runs, fail_first, id](adapters::sqlite_store& s) -> core::status {
    ++runs;
    if (auto r = s.insert_inbound(std::nullopt, "kannel", id, "x", core::from_unix_ms(0)); !r)
      return r.error();
    if (runs <= fail_first) return core::status::unavailable("disk I/O error");
    return core::status::ok();
  };
}

core::status insert_again(app::write_queue& q, const std::string& id) {
  return app::run_job(q, [id](adapters::sqlite_store& s) -> core::status {
    return s.insert_inbound(std::nullopt, "kannel", id, "x", core::from_unix_ms(0)).error();
  });
}

// A write queue over a database of its own, started, stopped at the end of the test.
struct queue_rig {
  testing::temp_db db{"tuki-bw"};
  app::write_queue q{open(db), 16};
  queue_rig() { q.start(); }
  ~queue_rig() { q.stop(); }
  static std::unique_ptr<adapters::sqlite_store> open(const testing::temp_db& db) {
    auto store = adapters::sqlite_store::open(db.str());
    REQUIRE(store);
    return std::move(*store);
  }
};

}  // namespace

TEST_CASE("a store that fails is run again until it is stored, its failed runs rolled back",
          "[app][write_queue]") {
  queue_rig rig;
  auto& q = rig.q;
  std::atomic<bool> stopping{false};
  int runs = 0;
  auto st = app::run_job_until_stored(q, flaky_insert(runs, 2, "mo-1"), stopping,
                                      "test_store_failed", milliseconds(1));
  CHECK(st);
  CHECK(runs == 3);
  // Stored once: the two failed runs' rows were rolled back (else the third run would have
  // found its own duplicate), and the row that was committed is there now.
  CHECK(insert_again(q, "mo-1").error_code() == core::status::code::already_exists);
}

TEST_CASE("at stop a failed store is not tried again: it is left to start-up",
          "[app][write_queue]") {
  queue_rig rig;
  auto& q = rig.q;
  std::atomic<bool> stopping{true};
  int runs = 0;
  auto st = app::run_job_until_stored(q, flaky_insert(runs, 5, "mo-2"), stopping,
                                      "test_store_failed", milliseconds(1));
  CHECK_FALSE(st);
  CHECK(runs == 1);
  CHECK(insert_again(q, "mo-2"));  // nothing of the failed run was kept
}
