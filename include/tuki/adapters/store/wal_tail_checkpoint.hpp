#pragma once
// Keeps the WAL from growing under sustained writes. The background checkpointer
// (wal_checkpointer.hpp) copies frames while the writer keeps appending, so it never finds the
// WAL fully copied at the moment the writer starts a transaction, and SQLite restarts the WAL
// only then: under P1 load the file grew by about 57 MB a second, and every commit paid for new
// file pages. This runs on the writer's own connection, between its transactions: once the WAL
// holds `max_frames`, a PASSIVE checkpoint copies the tail the background checkpointer has not
// reached yet (usually a few hundred frames), after which the writer's next transaction starts
// the WAL from the beginning and reuses its pages.
//
// Thread-safety: the writer's thread only, outside a transaction.
#include "tuki/adapters/store/sqlite_connection.hpp"

namespace tuki::adapters {

class wal_tail_checkpoint {
 public:
  /// Installs a WAL hook on `writer` that counts the frames in the WAL after each commit. It
  /// replaces SQLite's autocheckpoint hook: use it with `PRAGMA wal_autocheckpoint=0`.
  wal_tail_checkpoint(sqlite_connection& writer, int max_frames);
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
  int frames_ = 0;
  std::uint64_t runs_ = 0;
};

}  // namespace tuki::adapters
