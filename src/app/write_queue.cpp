#include "tuki/app/write_queue.hpp"

#include <exception>
#include <string>

#include <pthread.h>

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

void write_queue::run_batch(batch_type& batch) {
  committed done;
  done.results.reserve(batch.size());
  done.completions.reserve(batch.size());
  core::status begun = store_->begin();
  std::uint64_t failed = 0;
  if (begun) {
    auto& db = store_->db();
    for (auto& e : batch) {
      (void)db.prepare("SAVEPOINT job").run();
      const auto mark = db.after_commit_mark();
      core::status s;
      try {
        s = e.work(*store_);
      } catch (const std::exception& e) {
        s = core::status::internal(std::string("job failed: ") + e.what());
      }
      if (s) {
        (void)db.prepare("RELEASE job").run();
      } else {
        (void)db.prepare("ROLLBACK TO job").run();
        (void)db.prepare("RELEASE job").run();
        db.drop_after_commit(mark);
        ++failed;
      }
      done.results.push_back(s);
    }
    if (auto c = store_->commit(); !c) {
      store_->rollback();
      for (auto& r : done.results)
        if (r) r = c;
    }
  } else {
    done.results.assign(batch.size(), begun);
  }
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
