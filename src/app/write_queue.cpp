#include "tuki/app/write_queue.hpp"

#include <exception>
#include <string>

#include <pthread.h>
#include <sqlite3.h>

#include "tuki/app/log.hpp"

namespace tuki::app {

write_queue::write_queue(std::unique_ptr<adapters::sqlite_store> store, int max_batch,
                         sync_function sync)
    : store_(std::move(store)), max_batch_(max_batch), sync_(std::move(sync)) {}

write_queue::~write_queue() { stop(); }

void write_queue::start() {
  std::lock_guard lock(mutex_);
  if (running_) return;
  running_ = true;
  stopping_ = false;
  if (sync_) {
    {
      std::lock_guard sync_lock(sync_mutex_);
      store_done_ = false;
    }
    sync_thread_ = std::thread([this] {
      pthread_setname_np(pthread_self(), "tuki-sync");  // for per-thread CPU in top and bench
      run_sync();
    });
  }
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "tuki-store");
    run();
  });
}

void write_queue::stop() {
  {
    std::lock_guard lock(mutex_);
    if (!running_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (sync_thread_.joinable()) {
    {
      std::lock_guard lock(sync_mutex_);
      store_done_ = true;
    }
    sync_wake_.notify_all();
    sync_thread_.join();
  }
  std::lock_guard lock(mutex_);
  running_ = false;
}

void write_queue::submit(job j, completion done, report_when when, pace p) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_ && running_) {
      queue_.push_back({std::move(j), std::move(done), when, p, std::chrono::steady_clock::now()});
      if (p == pace::now) ++queued_now_;
      // The store thread sleeps only on an empty queue, or while it gathers (see run()): wake
      // it for the first job, and for anything that ends a gathering.
      if (queue_.size() == 1 || p == pace::now ||
          static_cast<int>(queue_.size()) >= max_batch_)
        wake_.notify_one();
      return;
    }
  }
  if (done) done(core::status::unavailable("the store is shutting down"));
}

write_queue::stats write_queue::statistics() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void write_queue::run() {
  batch_type batch;
  while (true) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) return;
      // Only jobs that may wait: let others join them until the oldest has waited gather_for.
      if (queued_now_ == 0)
        wake_.wait_until(lock, queue_.front().submitted + gather_for_, [this] {
          return stopping_ || queued_now_ > 0 || static_cast<int>(queue_.size()) >= max_batch_;
        });
      while (!queue_.empty() && static_cast<int>(batch.size()) < max_batch_) {
        if (queue_.front().p == pace::now) --queued_now_;
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    run_batch(batch);
    batch.clear();
  }
}

namespace {

// While a batch's jobs run, the store thread's connection commits only the batch's own COMMIT.
// When SQLite rolls the whole transaction back in the middle of a job (SQLITE_IOERR, SQLITE_FULL
// without a statement journal, SQLITE_NOMEM, SQLITE_INTERRUPT), the job's later statements and
// any `RELEASE` would otherwise run in autocommit and commit half a step that is then reported
// failed: the hook turns each such commit into a rollback.
class commit_only_at_end {
 public:
  explicit commit_only_at_end(sqlite3* db) : db_(db) { sqlite3_commit_hook(db_, &refuse, &allowed_); }
  ~commit_only_at_end() { sqlite3_commit_hook(db_, nullptr, nullptr); }
  commit_only_at_end(const commit_only_at_end&) = delete;
  commit_only_at_end& operator=(const commit_only_at_end&) = delete;
  void allow() { allowed_ = true; }

 private:
  static int refuse(void* allowed) { return *static_cast<bool*>(allowed) ? 0 : 1; }
  sqlite3* db_;
  bool allowed_ = false;
};

}  // namespace

void write_queue::run_batch(batch_type& batch) {
  committed done;
  done.results.assign(batch.size(), core::status::ok());
  done.completions.reserve(batch.size());
  std::size_t next = 0;
  // One transaction for the batch, unless SQLite rolls it back in the middle of a job: then the
  // jobs it had run are undone and reported failed (io_error), and the jobs not yet run get a
  // transaction of their own, the next time round.
  while (next < batch.size()) {
    const std::size_t first = next;
    if (auto begun = store_->begin(); !begun) {
      for (std::size_t i = first; i < batch.size(); ++i) done.results[i] = begun;
      break;
    }
    auto& db = store_->db();
    const auto transaction_mark = db.after_commit_mark();
    commit_only_at_end guard(db.raw());
    core::status transaction;  // fails once SQLite has rolled it back
    for (; next < batch.size() && transaction; ++next) {
      auto& e = batch[next];
      const auto mark = db.after_commit_mark();
      core::status s = db.prepare("SAVEPOINT job").run();
      if (s) {
        try {
          s = e.work(*store_);
        } catch (const std::exception& e) {
          s = core::status::internal(std::string("job failed: ") + e.what());
        }
      }
      if (!db.in_transaction()) {
        transaction = core::status::io_error("the store rolled the transaction back" +
                                      (s ? std::string() : ": " + s.message()));
        continue;
      }
      if (s) s = db.prepare("RELEASE job").run();
      if (!s) {
        (void)db.prepare("ROLLBACK TO job").run();
        (void)db.prepare("RELEASE job").run();
        db.drop_after_commit(mark);
      }
      done.results[next] = s;
    }
    if (!transaction) {
      db.drop_after_commit(transaction_mark);
      for (std::size_t i = first; i < next; ++i) done.results[i] = transaction;
      log_error("store_batch_rolled_back",
                {{"error", transaction.message()}, {"jobs_failed", std::to_string(next - first)},
                 {"jobs_left", std::to_string(batch.size() - next)},
                 {"effect", "the jobs it had run are reported failed; the rest run in a new transaction"}});
      continue;
    }
    guard.allow();
    if (auto c = store_->commit(); !c) {
      store_->rollback();
      for (std::size_t i = first; i < next; ++i)
        if (done.results[i]) done.results[i] = c;
    }
  }
  std::uint64_t failed = 0;
  for (const auto& r : done.results)
    if (!r) ++failed;
  {
    std::lock_guard lock(mutex_);
    stats_.batches++;
    stats_.jobs += batch.size();
    stats_.failed_jobs += failed;
  }
  if (!sync_) {
    for (auto& e : batch) done.completions.push_back(std::move(e.done));
    report(done);
    return;
  }
  // Jobs that wait only for the commit are reported now; the others after the sync.
  committed now;
  committed later;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    auto& to = batch[i].when == report_when::committed ? now : later;
    to.completions.push_back(std::move(batch[i].done));
    to.results.push_back(std::move(done.results[i]));
  }
  report(now);
  done = std::move(later);
  if (done.completions.empty()) return;
  {
    std::lock_guard lock(sync_mutex_);
    unsynced_.push_back(std::move(done));
  }
  sync_wake_.notify_one();
}

namespace {

// A failed sync means the kernel could not make committed data durable: whatever the sync
// function called it, the jobs it covered failed for a storage reason (io_error), which the
// inbound route answers 5xx so that the gateway retries, and never as a failure a retry would
// not change (that path would meet the committed row as a duplicate and answer 200). Logged
// here, once per failed sync, as nothing else tells the operator of the disk error.
core::status as_storage_failure(core::status synced) {
  if (synced) return synced;
  log_error("store_sync_failed", {{"error", synced.message()}});
  if (synced.error_code() == core::status::code::io_error) return synced;
  return core::status::io_error(synced.message());
}

}  // namespace

void write_queue::run_sync() {
  std::vector<committed> ready;
  while (true) {
    {
      std::unique_lock lock(sync_mutex_);
      sync_wake_.wait(lock, [this] { return store_done_ || !unsynced_.empty(); });
      if (unsynced_.empty()) return;  // store_done_: everything committed has been reported
      ready.swap(unsynced_);
    }
    // One sync covers every batch taken: they were all committed before it started.
    core::status synced = as_storage_failure(sync_());
    {
      std::lock_guard lock(mutex_);
      stats_.syncs++;
    }
    for (auto& c : ready) {
      if (!synced)
        for (auto& r : c.results)
          if (r) r = synced;
      report(c);
    }
    ready.clear();
  }
}

void write_queue::report(committed& c) {
  for (std::size_t i = 0; i < c.completions.size(); ++i)
    if (c.completions[i]) c.completions[i](std::move(c.results[i]));
}

}  // namespace tuki::app
