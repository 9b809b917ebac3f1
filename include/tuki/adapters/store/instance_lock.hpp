#pragma once
// The lock that makes `tuki serve` the only service on its database: an exclusive flock on
// "<database>.lock", held for the service's life and released by the kernel when the process
// ends, crash included. Start-up moves what it finds `sending`/`running` back to the queue
// because it takes that as left by a crash: with a second service on the same database it would
// take the live one's claims and every claimed SMS and mail would go out twice.
// Thread-safety: none needed; taken once at start-up.
#include <memory>
#include <string>

#include "tuki/core/status.hpp"

namespace tuki::adapters {

class instance_lock {
 public:
  /// Takes the lock without waiting; fails (unavailable) naming the database when another
  /// process holds it, or (io_error) when the lock file cannot be opened.
  static core::result<std::unique_ptr<instance_lock>> take(const std::string& database_path);
  ~instance_lock();
  instance_lock(const instance_lock&) = delete;
  instance_lock& operator=(const instance_lock&) = delete;

 private:
  explicit instance_lock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace tuki::adapters
