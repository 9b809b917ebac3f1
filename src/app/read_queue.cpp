#include "tuki/app/read_queue.hpp"

#include <exception>

#include <pthread.h>

namespace tuki::app {

read_queue::read_queue(std::unique_ptr<adapters::sqlite_store> store) : store_(std::move(store)) {}

read_queue::~read_queue() { stop(); }

void read_queue::start() {
  std::lock_guard lock(mutex_);
  if (running_) return;
  running_ = true;
  stopping_ = false;
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "tuki-read");  // for per-thread CPU in top and bench
    run();
  });
}

void read_queue::stop() {
  {
    std::lock_guard lock(mutex_);
    if (!running_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mutex_);
  running_ = false;
}

void read_queue::submit(job j, completion done) {
  {
    std::lock_guard lock(mutex_);
    if (running_ && !stopping_) {
      queue_.emplace_back(std::move(j), std::move(done));
      wake_.notify_one();
      return;
    }
  }
  if (done) done(core::status::unavailable("the store is shutting down"));
}

void read_queue::run() {
  auto& db = store_->db();
  while (true) {
    std::pair<job, completion> next;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued has run
      next = std::move(queue_.front());
      queue_.pop_front();
    }
    core::status s = db.prepare("BEGIN").run();
    if (s) {
      try {
        s = next.first(*store_);
      } catch (const std::exception& e) {
        s = core::status::internal(std::string("read failed: ") + e.what());
      }
      // Ends the read transaction (nothing was written); never leave it open, or every later
      // BEGIN would fail and the reader would hold an old snapshot.
      if (!db.prepare("COMMIT").run()) (void)db.exec("ROLLBACK");
    }
    if (next.second) next.second(std::move(s));
  }
}

}  // namespace tuki::app
