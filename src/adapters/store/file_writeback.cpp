#include "tuki/adapters/store/file_writeback.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tuki::adapters {

namespace {

core::status os_error(const std::string& what, const std::string& path) {
  return core::status::internal(what + " " + path + ": " + std::strerror(errno));
}

}  // namespace

core::result<std::unique_ptr<file_writeback>> file_writeback::open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return os_error("cannot open", path);
  return std::unique_ptr<file_writeback>(new file_writeback(fd, path));
}

file_writeback::~file_writeback() { ::close(fd_); }

core::status file_writeback::write_back() {
  struct stat st {};
  if (::fstat(fd_, &st) != 0) return os_error("cannot stat", path_);
  // Ranges with no dirty page cost a look-up in the page cache and nothing else.
  constexpr unsigned flags =
      SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER;
  for (off_t at = 0; at < st.st_size; at += piece_bytes)
    if (::sync_file_range(fd_, at, piece_bytes, flags) != 0)
      return os_error("cannot write back", path_);
  return core::status::ok();
}

}  // namespace tuki::adapters
