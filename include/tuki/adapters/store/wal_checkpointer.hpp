#pragma once
// Background WAL checkpoints for the SQLite store. SQLite normally checkpoints inside the commit
// that pushes the WAL past 1,000 pages, on the writer's thread: with one store thread that pause
// holds up every request in the next batch. The checkpointer copies committed WAL frames back into
// the database on its own thread and connection (PASSIVE: it never blocks the writer; frames the
// writer adds meanwhile wait for the next round), and the writer's own autocheckpoint is turned
// off while it runs. Once every frame is copied the writer starts the WAL from the beginning
// again, so the file stops growing.
//
// Durability is unchanged: a checkpoint only copies data that is already committed (and synced)
// in the WAL. After kill -9 the next open replays whatever the WAL still holds.
//
// After each round that copied frames it writes the database file's dirty pages back, a piece at
// a time (file_writeback.hpp), so they go to the disk a round at a time and not all in the fsync
// that comes before the writer restarts the WAL.
//
// Thread-safety: start/stop from one thread; the worker touches only its own connection.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "tuki/adapters/store/file_writeback.hpp"
#include "tuki/adapters/store/sqlite_connection.hpp"
#include "tuki/core/status.hpp"

namespace tuki::adapters {

class wal_checkpointer {
 public:
  struct stats {
    std::uint64_t rounds = 0;  // checkpoints run
    std::uint64_t frames = 0;  // WAL frames copied into the database, in all
    std::uint64_t busy = 0;    // rounds that could not run (another checkpoint held the lock)
    std::uint64_t writebacks = 0;  // rounds after which the copied pages were written back
  };

  /// Opens its own connection to `path` (with `synchronous`, as the store) and a descriptor of
  /// the database file for the writeback, and checkpoints every
  /// `every` until stopped. Turn the writer's autocheckpoint off yourself
  /// (`PRAGMA wal_autocheckpoint=0`).
  static core::result<std::unique_ptr<wal_checkpointer>> start(const std::string& path,
                                                               const std::string& synchronous,
                                                               std::chrono::milliseconds every);
  /// Stops, after one last checkpoint. Idempotent; the destructor calls it.
  void stop();
  /// Runs a round at once, then one every millisecond until a round finds every frame copied:
  /// the writer asks for it when it wants to restart the WAL (wal_tail_checkpoint). Any thread.
  void hurry();
  struct progress_type {
    int wal_frames = -1;  // frames in the WAL at the last round (-1 before the first)
    int copied = -1;      // of those, frames copied into the database
  };
  /// What the last round saw. Any thread.
  progress_type progress() const;
  ~wal_checkpointer();
  stats statistics() const;

 private:
  wal_checkpointer(std::unique_ptr<sqlite_connection> db, std::unique_ptr<file_writeback> writeback,
                   std::chrono::milliseconds every);
  void run();
  void checkpoint();

  std::unique_ptr<sqlite_connection> db_;
  std::unique_ptr<file_writeback> writeback_;
  std::chrono::milliseconds every_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  stats stats_;
  std::uint64_t last_copied_ = 0;  // frames of the current WAL already counted
  progress_type progress_;
  bool hurried_ = false;   // rounds every millisecond until the WAL is all copied
  bool hurry_now_ = false;  // wake for a round at once
  std::thread thread_;
};

}  // namespace tuki::adapters
