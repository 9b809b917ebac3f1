#include "tuki/adapters/store/file_writeback.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

namespace tuki::adapters {

core::result<std::unique_ptr<file_writeback>> file_writeback::open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return core::status::internal("cannot open " + path + ": " + std::strerror(errno));
  return std::unique_ptr<file_writeback>(new file_writeback(fd, path));
}

file_writeback::~file_writeback() { ::close(fd_); }

core::status file_writeback::start() {
  // Offset 0 and length 0: the whole file. WRITE alone neither waits for pages already under
  // writeback nor for the ones it queues.
  if (::sync_file_range(fd_, 0, 0, SYNC_FILE_RANGE_WRITE) != 0)
    return core::status::internal("cannot start the writeback of " + path_ + ": " +
                                  std::strerror(errno));
  return core::status::ok();
}

}  // namespace tuki::adapters
