#pragma once
// Writes a file's dirty pages to disk a piece at a time (`sync_file_range` over 256 KiB ranges,
// waiting for each before the next). The checkpointer calls it on the database file after every
// round that copied WAL frames into it.
//
// Why: SQLite syncs the database only when a checkpoint copies every frame to the end of the WAL,
// which under load happens only in the writer's tail checkpoint before it restarts the WAL. The
// pages the checkpoint rounds copied stayed dirty until then, and that one sync wrote them all:
// 92-110 ms on the store thread, with every reply of the batch waiting. Writing them after each
// round makes that sync short. In pieces, because all at once (one `sync_file_range` of the whole
// file, or an fdatasync) queued every WAL sync behind a second's worth of database writes and cost
// more latency than the restart did; a WAL sync now waits behind one piece at most.
//
// Durability does not depend on it: SQLite still syncs the database before the WAL restarts.
// Thread-safety: one thread at a time (the checkpointer's).
#include <cstdint>
#include <memory>
#include <string>

#include "tuki/core/status.hpp"

namespace tuki::adapters {

class file_writeback {
 public:
  static constexpr std::int64_t piece_bytes = 256 * 1024;

  /// Opens `path` for reading (the writeback applies to the file, whichever descriptor asks).
  /// An error names the file and errno's text.
  static core::result<std::unique_ptr<file_writeback>> open(const std::string& path);
  ~file_writeback();
  file_writeback(const file_writeback&) = delete;
  file_writeback& operator=(const file_writeback&) = delete;

  /// Writes every dirty page of the file, a piece at a time, and returns when they are written
  /// (not a durability barrier: no flush of the disk's cache, no metadata). Errors name the file.
  core::status write_back();

  /// The descriptor, for tests that check which file it is.
  int descriptor() const { return fd_; }

 private:
  file_writeback(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_;
  std::string path_;
};

}  // namespace tuki::adapters
