#pragma once
// Group commit. Every write of tuki runs as a job on one store thread, which owns the SQLite
// connection. The thread takes all waiting jobs (up to max_batch), runs each inside its own
// SAVEPOINT of one transaction, commits once, and only then reports each job's status. So a
// request is answered only after its data is durable (synchronous=FULL), and many requests share
// one fsync. A job that fails is rolled back alone; the others in its batch still commit.
//
// Thread-safety: submit() may be called from any thread. Jobs run on the store thread only and
// must not block on anything but the database. Completions run on the store thread: post them
// to your own executor (async_write below does).
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "tuki/adapters/store/sqlite_store.hpp"
#include "tuki/core/status.hpp"

namespace tuki::app {

class write_queue {
 public:
  using job = std::function<core::status(adapters::sqlite_store&)>;
  using completion = std::function<void(core::status)>;

  write_queue(std::unique_ptr<adapters::sqlite_store> store, int max_batch);
  ~write_queue();
  write_queue(const write_queue&) = delete;
  write_queue& operator=(const write_queue&) = delete;

  /// Starts the store thread.
  void start();
  /// Runs what is queued, then stops the thread. Jobs submitted afterwards fail (unavailable).
  void stop();
  void submit(job j, completion done);

  struct stats {
    std::uint64_t batches = 0;
    std::uint64_t jobs = 0;
    std::uint64_t failed_jobs = 0;
  };
  stats statistics() const;

 private:
  void run();
  void run_batch(std::deque<std::pair<job, completion>>& batch);

  std::unique_ptr<adapters::sqlite_store> store_;
  int max_batch_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::pair<job, completion>> queue_;
  bool stopping_ = false;
  bool running_ = false;
  stats stats_;
  std::thread thread_;
};

}  // namespace tuki::app
