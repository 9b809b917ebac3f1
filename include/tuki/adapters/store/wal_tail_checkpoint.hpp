#pragma once
// Keeps the WAL from growing under sustained writes. The background checkpointer
// (wal_checkpointer.hpp) copies frames while the writer keeps appending, so it never finds the
// WAL fully copied at the moment the writer starts a transaction, and SQLite restarts the WAL
// only then: under P1 load the file grew by about 57 MB a second, and every commit paid for new
// file pages. This runs on the writer's own connection, between its transactions: once the WAL
// holds `max_frames`, it asks the background checkpointer to hurry (rounds back to back), and as
// soon as that has left at most `small_tail` frames uncopied, a PASSIVE checkpoint on the writer
// copies them, after which the writer's next transaction starts the WAL from the beginning and
// reuses its pages. The pause is set by the disk's random writes, not the tail's length: 25-65 ms
// measured whether the tail held 700 frames or 256, so the limit should make it rare. If the WAL
// reaches twice max_frames anyway, the writer copies whatever is left.
//
// Thread-safety: the writer's thread only, outside a transaction.
#include <memory>

#include "tuki/adapters/store/sqlite_connection.hpp"
#include "tuki/adapters/store/wal_checkpointer.hpp"

namespace tuki::adapters {

class wal_tail_checkpoint {
 public:
  /// Installs a WAL hook on `writer` that counts the frames in the WAL after each commit. It
  /// replaces SQLite's autocheckpoint hook: use it with `PRAGMA wal_autocheckpoint=0`.
  /// `background`: the checkpointer working on the same database (may be null: then the writer
  /// copies the whole tail itself).
  wal_tail_checkpoint(sqlite_connection& writer, int max_frames,
                      std::shared_ptr<wal_checkpointer> background = nullptr);

  static constexpr int small_tail = 256;
  ~wal_tail_checkpoint();
  wal_tail_checkpoint(const wal_tail_checkpoint&) = delete;
  wal_tail_checkpoint& operator=(const wal_tail_checkpoint&) = delete;

  /// Checkpoints when the WAL has reached max_frames; true when a checkpoint ran and copied
  /// every frame. A checkpoint that finds the background one busy is retried after a later commit.
  bool run_if_due();
  int frames() const { return frames_; }
  std::uint64_t runs() const { return runs_; }

 private:
  static int on_commit(void* self, struct sqlite3*, const char*, int frames);
  sqlite_connection& writer_;
  int max_frames_;
  std::shared_ptr<wal_checkpointer> background_;
  int frames_ = 0;
  std::uint64_t runs_ = 0;
};

}  // namespace tuki::adapters
