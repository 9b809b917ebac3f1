#pragma once
// Group commit. Every write of tuki runs as a job on one store thread, which owns the SQLite
// connection. The thread takes all waiting jobs (up to max_batch), runs each inside its own
// SAVEPOINT of one transaction, commits once, and only then reports each job's status. So a
// request is answered only after its data is durable, and many requests share one fsync. A job
// that fails is rolled back alone; the others in its batch still commit.
//
// Durability. Without a `sync` function the commit itself is durable (synchronous=FULL) and the
// store thread reports the batch right after it. With one (the store runs synchronous=NORMAL and
// `sync` fdatasyncs the WAL: adapters::wal_file_sync), committed batches are handed to a second
// thread, which calls `sync` once for every batch committed so far and only then reports their
// jobs, in commit order; meanwhile the store thread runs the next batch. A failed sync fails the
// jobs it covered (their data may not be on disk). Either way nothing is reported before it is
// durable, and a later job never sees data that could be lost while an earlier one is kept (the WAL
// is a prefix).
//
// A job may ask to be reported once committed (`report_when::committed`) instead: it is then
// reported by the store thread right after COMMIT, before the sync. For writes whose loss in a
// power failure is harmless (the outbox's claims and send outcomes: a lost one leaves the SMS
// queued or sending, and start-up queues it again, exactly as after a crash), so that the outbox
// does not wait for the disk between windows. A crash of the process alone loses nothing
// committed.
//
// A job may also say that nobody waits on it (`pace::gather`: delivery reports, whose answer
// only tells the gateway it may forget them). When only such jobs are queued, the store thread
// waits up to `gather_for` (2 ms) from the oldest one's submission for more to join them, so
// that one transaction and one fsync carry many. Any other job, a full batch, or stop() ends the
// wait at once, so replies and everything else never wait for it.
//
// Thread-safety: submit() may be called from any thread. Jobs run on the store thread only and
// must not block on anything but the database. Completions run on the store thread or on the sync
// thread: post them to your own executor (async_write does).
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "tuki/adapters/store/sqlite_store.hpp"
#include "tuki/core/status.hpp"

namespace tuki::app {

class write_queue {
 public:
  using job = std::function<core::status(adapters::sqlite_store&)>;
  using completion = std::function<void(core::status)>;

  using sync_function = std::function<core::status()>;
  /// When a job's completion runs: after its data is durable (the default), or once committed.
  enum class report_when { durable, committed };
  /// Whether a job may wait a moment for others to share its transaction (see above).
  enum class pace { now, gather };

  /// `sync`: makes every committed transaction durable (see above); empty when COMMIT already is.
  write_queue(std::unique_ptr<adapters::sqlite_store> store, int max_batch,
              sync_function sync = {});
  ~write_queue();
  write_queue(const write_queue&) = delete;
  write_queue& operator=(const write_queue&) = delete;

  /// Starts the store thread (and the sync thread when there is a sync function).
  void start();
  /// Runs what is queued, syncs and reports it, then stops the threads. Jobs submitted afterwards
  /// fail (unavailable).
  void stop();
  void submit(job j, completion done, report_when when = report_when::durable,
              pace p = pace::now);
  /// How long gathered jobs may wait for company (default 2 ms); call before start().
  void set_gather_for(std::chrono::microseconds d) { gather_for_ = d; }

  struct stats {
    std::uint64_t batches = 0;
    std::uint64_t jobs = 0;
    std::uint64_t failed_jobs = 0;
    std::uint64_t syncs = 0;  // calls of the sync function (0 without one)
  };
  stats statistics() const;

 private:
  struct entry {
    job work;
    completion done;
    report_when when;
    pace p;
    std::chrono::steady_clock::time_point submitted;
  };
  using batch_type = std::deque<entry>;
  struct committed {
    std::vector<completion> completions;
    std::vector<core::status> results;
  };

  void run();
  void run_batch(batch_type& batch);
  void run_sync();
  static void report(committed& c);

  std::unique_ptr<adapters::sqlite_store> store_;
  int max_batch_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  batch_type queue_;
  std::size_t queued_now_ = 0;  // jobs in queue_ with pace::now
  std::chrono::microseconds gather_for_{2000};
  bool stopping_ = false;
  bool running_ = false;
  stats stats_;
  std::thread thread_;

  // Committed batches waiting for the sync thread (only with a sync function).
  sync_function sync_;
  std::mutex sync_mutex_;
  std::condition_variable sync_wake_;
  std::vector<committed> unsynced_;
  bool store_done_ = false;
  std::thread sync_thread_;
};

}  // namespace tuki::app
