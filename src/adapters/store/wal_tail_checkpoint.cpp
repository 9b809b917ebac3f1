#include "tuki/adapters/store/wal_tail_checkpoint.hpp"

#include <sqlite3.h>

namespace tuki::adapters {

wal_tail_checkpoint::wal_tail_checkpoint(sqlite_connection& writer, int max_frames,
                                         std::shared_ptr<wal_checkpointer> background)
    : writer_(writer), max_frames_(max_frames), background_(std::move(background)) {
  sqlite3_wal_hook(writer_.raw(), &wal_tail_checkpoint::on_commit, this);
}

wal_tail_checkpoint::~wal_tail_checkpoint() { sqlite3_wal_hook(writer_.raw(), nullptr, nullptr); }

int wal_tail_checkpoint::on_commit(void* self, sqlite3*, const char*, int frames) {
  static_cast<wal_tail_checkpoint*>(self)->frames_ = frames;
  return SQLITE_OK;
}

bool wal_tail_checkpoint::run_if_due() {
  if (frames_ < max_frames_) return false;
  if (background_ && frames_ < 2 * max_frames_) {
    background_->hurry();
    // Its last round must be of this WAL (not larger than it) and have left only a small tail.
    const auto p = background_->progress();
    if (p.wal_frames < 0 || p.wal_frames > frames_ || frames_ - p.copied > small_tail) return false;
  }
  int wal_frames = 0, copied = 0;
  int rc = sqlite3_wal_checkpoint_v2(writer_.raw(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                     &wal_frames, &copied);
  if (rc != SQLITE_OK || copied < wal_frames) return false;
  ++runs_;
  frames_ = 0;  // the next commit restarts the WAL and reports its new size
  return true;
}

}  // namespace tuki::adapters
