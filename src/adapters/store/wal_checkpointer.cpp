#include "tuki/adapters/store/wal_checkpointer.hpp"

#include <algorithm>

#include <pthread.h>
#include <sqlite3.h>

namespace tuki::adapters {

core::result<std::unique_ptr<wal_checkpointer>> wal_checkpointer::start(
    const std::string& path, const std::string& synchronous, std::chrono::milliseconds every) {
  auto conn = sqlite_connection::open(path);
  if (!conn) return conn.error();
  if (auto s = (*conn)->exec("PRAGMA synchronous=" + synchronous); !s) return s;
  // The file SQLite opened (an absolute path), whatever form `path` had.
  auto writeback = file_writeback::open(sqlite3_db_filename((*conn)->raw(), "main"));
  if (!writeback) return writeback.error();
  std::unique_ptr<wal_checkpointer> c(
      new wal_checkpointer(std::move(*conn), std::move(*writeback), every));
  c->thread_ = std::thread([p = c.get()] {
    pthread_setname_np(pthread_self(), "tuki-checkpoint");  // 15 characters at most
    p->run();
  });
  return c;
}

wal_checkpointer::wal_checkpointer(std::unique_ptr<sqlite_connection> db,
                                   std::unique_ptr<file_writeback> writeback,
                                   std::chrono::milliseconds every)
    : db_(std::move(db)), writeback_(std::move(writeback)), every_(every) {}

wal_checkpointer::~wal_checkpointer() { stop(); }

void wal_checkpointer::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

wal_checkpointer::stats wal_checkpointer::statistics() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void wal_checkpointer::hurry() {
  {
    std::lock_guard lock(mutex_);
    if (hurried_) return;
    hurried_ = true;
    hurry_now_ = true;
  }
  wake_.notify_all();
}

wal_checkpointer::progress_type wal_checkpointer::progress() const {
  std::lock_guard lock(mutex_);
  return progress_;
}

void wal_checkpointer::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    // Hurried: a round every millisecond (not back to back: a round with nothing to copy would
    // spin) until one finds every frame copied.
    const auto pause = hurried_ ? std::chrono::milliseconds(1) : every_;
    wake_.wait_for(lock, pause, [this] { return stopping_ || hurry_now_; });
    hurry_now_ = false;
    lock.unlock();
    checkpoint();
    lock.lock();
  }
}

void wal_checkpointer::checkpoint() {
  int wal_frames = 0, copied = 0;
  int rc = sqlite3_wal_checkpoint_v2(db_->raw(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &wal_frames,
                                     &copied);
  // `copied` counts every frame checkpointed in the current WAL so far; it starts again from zero
  // when the writer restarts the WAL. last_copied_ is only written on this thread.
  const auto now_copied = static_cast<std::uint64_t>(std::max(copied, 0));
  const std::uint64_t new_frames = rc != SQLITE_OK              ? 0
                                   : now_copied >= last_copied_ ? now_copied - last_copied_
                                                                : now_copied;
  // Outside the lock: the writer reads progress() between its transactions. A failed writeback
  // only leaves the pages to the fsync before the WAL restart, as without it.
  const bool written_back = new_frames > 0 && writeback_->write_back().is_ok();
  std::lock_guard lock(mutex_);
  ++stats_.rounds;
  if (rc == SQLITE_BUSY) ++stats_.busy;
  if (written_back) ++stats_.writebacks;
  if (rc == SQLITE_OK) {
    progress_ = {wal_frames, copied};
    if (copied >= wal_frames) hurried_ = false;  // caught up: back to the usual pace
    stats_.frames += new_frames;
    last_copied_ = now_copied;
  }
}

}  // namespace tuki::adapters
