#include "tuki/adapters/store/instance_lock.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace tuki::adapters {

core::result<std::unique_ptr<instance_lock>> instance_lock::take(const std::string& database_path) {
  const std::string path = database_path + ".lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return core::status::io_error("cannot open the lock file " + path + ": " + std::strerror(errno));
  int rc;
  do rc = ::flock(fd, LOCK_EX | LOCK_NB);
  while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    const int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK)
      return core::status::unavailable("another tuki serve is running on the database " +
                                       database_path + " (it holds " + path +
                                       "): stop it first; this one changed nothing");
    return core::status::io_error("cannot lock " + path + ": " + std::strerror(err));
  }
  return std::unique_ptr<instance_lock>(new instance_lock(fd));
}

instance_lock::~instance_lock() { ::close(fd_); }

}  // namespace tuki::adapters
