#pragma once
// Starts the kernel's writeback of a file's dirty pages without waiting for it
// (`sync_file_range(SYNC_FILE_RANGE_WRITE)`). The checkpointer calls it on the database file after
// every round that copied WAL frames into it. Without it the copied pages stayed dirty in the page
// cache until SQLite's fsync of the database just before the writer restarts the WAL, and that one
// fsync wrote them all: 92-110 ms on the store thread under P1 load (every reply of the batch
// waited for it), against 2-3 ms once each round's pages are already on their way to the disk.
//
// Durability does not depend on it: SQLite still syncs the database before the WAL is restarted.
// It only spreads the same writes over the checkpoint rounds. Thread-safety: one thread at a time.
#include <memory>
#include <string>

#include "tuki/core/status.hpp"

namespace tuki::adapters {

class file_writeback {
 public:
  /// Opens `path` for reading (the writeback applies to the file, whichever descriptor asks).
  /// An error names the file and errno's text.
  static core::result<std::unique_ptr<file_writeback>> open(const std::string& path);
  ~file_writeback();
  file_writeback(const file_writeback&) = delete;
  file_writeback& operator=(const file_writeback&) = delete;

  /// Queues the writes of every dirty page of the file and returns; an error names the file.
  core::status start();

  /// The descriptor, for tests that check which file it is.
  int descriptor() const { return fd_; }

 private:
  file_writeback(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_;
  std::string path_;
};

}  // namespace tuki::adapters
