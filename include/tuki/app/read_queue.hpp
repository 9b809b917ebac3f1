#pragma once
// Reads that scan many rows (the /metrics counts; later the API's lists and dashboards) run on a
// connection and thread of their own, so they never hold up the store thread, the only writer.
// SQLite's WAL lets this reader see the last committed state while the writer goes on. Each job
// runs inside one read transaction: its queries see one snapshot. Jobs run one at a time, in
// submission order.
//
// Thread-safety: submit() from any thread; jobs run on the reader thread; completions run there
// too (post them to your own executor: async_read does).
#include <utility>  // before Asio's coroutine headers (Boost 1.74 with GCC 12)

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "tuki/adapters/store/sqlite_store.hpp"
#include "tuki/app/async_write.hpp"
#include "tuki/core/status.hpp"

namespace tuki::app {

class read_queue {
 public:
  using job = std::function<core::status(adapters::sqlite_store&)>;
  using completion = std::function<void(core::status)>;

  /// `store`: a connection of its own to the database file (not the writer's).
  explicit read_queue(std::unique_ptr<adapters::sqlite_store> store);
  ~read_queue();
  read_queue(const read_queue&) = delete;
  read_queue& operator=(const read_queue&) = delete;

  void start();
  /// Runs what is queued, then stops. Jobs submitted afterwards fail (unavailable).
  void stop();
  void submit(job j, completion done);

 private:
  void run();

  std::unique_ptr<adapters::sqlite_store> store_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::pair<job, completion>> queue_;
  bool running_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

/// `co_await async_read(queue, job, use_awaitable)`: resumes on the caller's executor with the
/// job's status.
template <class CompletionToken>
auto async_read(read_queue& queue, read_queue::job job, CompletionToken&& token) {
  return async_submit(queue, std::move(job), std::forward<CompletionToken>(token));
}

}  // namespace tuki::app
