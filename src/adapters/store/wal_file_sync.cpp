#include "tuki/adapters/store/wal_file_sync.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <unistd.h>

namespace tuki::adapters {

namespace {

// io_error: a file that cannot be opened or synced is a storage failure, which the inbound route
// answers 5xx so that the gateway sends the message again.
core::status os_error(const std::string& what, const std::string& path) {
  return core::status::io_error(what + " " + path + ": " + std::strerror(errno));
}

}  // namespace

core::result<std::unique_ptr<wal_file_sync>> wal_file_sync::open(const std::string& database_path) {
  const std::string path = database_path + "-wal";
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return os_error("cannot open the WAL file", path);
  std::unique_ptr<wal_file_sync> f(new wal_file_sync(fd, path));
  auto dir = std::filesystem::absolute(path).parent_path();
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return os_error("cannot open the directory of", path);
  int rc = ::fsync(dfd);
  ::close(dfd);
  if (rc != 0) return os_error("cannot sync the directory of", path);
  if (auto s = f->sync(); !s) return s;
  return f;
}

wal_file_sync::~wal_file_sync() { ::close(fd_); }

core::status wal_file_sync::sync() {
  int rc;
  do rc = ::fdatasync(fd_);
  while (rc != 0 && errno == EINTR);
  if (rc != 0) return os_error("cannot sync", path_);
  return core::status::ok();
}

}  // namespace tuki::adapters
