#pragma once
// Makes the SQLite writer's commits durable from another thread. The writer runs with
// `synchronous=NORMAL`: COMMIT appends its frames to the WAL file (in the page cache, safe
// against a crash of the process) but does not fsync. `sync()` then fdatasyncs the WAL file:
// every transaction committed before the call is on disk when it returns, safe against power loss
// as with `synchronous=FULL` (SQLite's WAL recovery keeps the longest prefix of frames whose
// checksums hold and ends at the last commit frame in it). Answering only after `sync()` gives the
// same guarantee as FULL, while the writer goes on with its next transaction during the fsync.
//
// SQLite still syncs the WAL itself before a checkpoint copies frames into the database and when
// it restarts the WAL, so checkpoints never copy frames that are not on disk.
//
// The -wal file exists from the first write while a connection is open (the store's connection
// outlives this object). Thread-safety: sync() may be called from any one thread at a time.
#include <memory>
#include <string>

#include "tuki/core/status.hpp"

namespace tuki::adapters {

class wal_file_sync {
 public:
  /// Opens `<database_path>-wal` and syncs its directory once (so the file's own entry is on
  /// disk). Fails when there is no WAL file (the database is not in WAL mode or never written).
  static core::result<std::unique_ptr<wal_file_sync>> open(const std::string& database_path);
  ~wal_file_sync();
  wal_file_sync(const wal_file_sync&) = delete;
  wal_file_sync& operator=(const wal_file_sync&) = delete;

  /// fdatasync of the WAL file; an error names the file and errno's text.
  core::status sync();

 private:
  wal_file_sync(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_;
  std::string path_;
};

}  // namespace tuki::adapters
