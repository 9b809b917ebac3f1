#pragma once
// A savepoint: a nested transaction on one connection. Its writes are kept by release() and
// undone by rollback(), or by the destructor when neither was called. Inside a transaction it
// undoes only its own writes and leaves the transaction open; outside one it is a transaction of
// its own. Savepoints of the same name may nest (each call names the innermost).
// Thread-safety: none; the connection's own thread only.
#include <string>

#include "tuki/adapters/store/sqlite_connection.hpp"
#include "tuki/core/status.hpp"

namespace tuki::adapters {

class savepoint {
 public:
  /// Starts it (SAVEPOINT `name`, an SQL identifier); begun() says whether that worked.
  savepoint(sqlite_connection& db, std::string name);
  ~savepoint();
  savepoint(const savepoint&) = delete;
  savepoint& operator=(const savepoint&) = delete;

  const core::status& begun() const { return begun_; }
  /// Keeps the writes made since it began (they commit with the enclosing transaction).
  core::status release();
  /// Undoes the writes made since it began (and drops their sqlite_connection::after_commit),
  /// and ends it.
  void rollback();

 private:
  sqlite_connection& db_;
  std::string name_;
  core::status begun_;
  bool open_ = false;
  std::size_t mark_ = 0;
};

}  // namespace tuki::adapters
