#pragma once
// A database path of its own for one test: unique per process and per instance, removed with its
// WAL and shared-memory files before and after use.
#include <filesystem>
#include <string>

#include <unistd.h>

namespace tuki::testing {

class temp_db {
 public:
  explicit temp_db(const std::string& prefix = "tuki-test")
      : path(std::filesystem::temp_directory_path() /
             (prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(next()) + ".db")) {
    remove();
  }
  ~temp_db() { remove(); }
  temp_db(const temp_db&) = delete;
  temp_db& operator=(const temp_db&) = delete;

  std::string str() const { return path.string(); }
  std::uintmax_t wal_size() const { return std::filesystem::file_size(path.string() + "-wal"); }
  void remove() const {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
  }

  const std::filesystem::path path;

 private:
  static int next() {
    static int n = 0;
    return n++;
  }
};

}  // namespace tuki::testing
