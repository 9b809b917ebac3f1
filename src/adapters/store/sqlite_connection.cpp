#include "tuki/adapters/store/sqlite_connection.hpp"

#include <chrono>
#include <thread>

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include "tuki/adapters/store/wal_write_buffer.hpp"

namespace tuki::adapters {

namespace {

// A connection that finds the database locked by another writer waits for up to 5 s, trying
// again every half millisecond. SQLite's own handler (sqlite3_busy_timeout) sleeps ever longer,
// up to 100 ms between tries: behind `tuki students import`, which leaves the lock free for a
// moment between its short transactions, the service's writer found it taken at nearly every
// try, and failed after 5 s. Runs on the waiting thread; the wait's start is that thread's.
int wait_for_lock(void*, int tries_before) {
  thread_local std::chrono::steady_clock::time_point started;
  const auto now = std::chrono::steady_clock::now();
  if (tries_before == 0) started = now;
  if (now - started >= std::chrono::milliseconds(5000)) return 0;
  std::this_thread::sleep_for(std::chrono::microseconds(500));
  return 1;
}

// What a failed step means, with SQLite's message. A UNIQUE or PRIMARY KEY conflict is a
// duplicate (already_exists: an inbound message seen before, a number another student holds),
// which callers act on. Any other constraint (CHECK, NOT NULL, FOREIGN KEY, a trigger's
// RAISE(ABORT)) refuses the row itself (invalid_argument): no duplicate to look for, and trying
// again fails the same way. Anything else is SQLite's own failure (io_error).
core::status step_error(sqlite3* db) {
  switch (sqlite3_extended_errcode(db)) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_ROWID:
      return core::status::already_exists(sqlite3_errmsg(db));
    default:
      break;
  }
  if ((sqlite3_errcode(db) & 0xff) == SQLITE_CONSTRAINT)
    return core::status::invalid_argument(sqlite3_errmsg(db));
  return core::status::io_error(std::string("sqlite: ") + sqlite3_errmsg(db));
}

}  // namespace

sqlite_statement& sqlite_statement::bind(int index, std::int64_t v) {
  sqlite3_bind_int64(stmt_, index, v);
  return *this;
}

sqlite_statement& sqlite_statement::bind(int index, std::string_view v) {
  sqlite3_bind_text(stmt_, index, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}

sqlite_statement& sqlite_statement::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

bool sqlite_statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) status_ = step_error(sqlite3_db_handle(stmt_));
  return false;
}

core::status sqlite_statement::run() {
  status_ = core::status::ok();
  while (step()) {
  }
  core::status s = status_;
  reset();
  return s;
}

std::optional<std::int64_t> sqlite_statement::first_int() {
  std::optional<std::int64_t> out;
  if (step()) out = column_int(0);
  reset();
  return out;
}

std::optional<std::string> sqlite_statement::first_text() {
  std::optional<std::string> out;
  if (step()) out = column_text(0);
  reset();
  return out;
}

std::int64_t sqlite_statement::column_int(int i) const { return sqlite3_column_int64(stmt_, i); }
double sqlite_statement::column_double(int i) const { return sqlite3_column_double(stmt_, i); }

sqlite_statement& sqlite_statement::bind_double(int index, double v) {
  sqlite3_bind_double(stmt_, index, v);
  return *this;
}

std::string sqlite_statement::column_text(int i) const {
  auto p = sqlite3_column_text(stmt_, i);
  if (!p) return {};
  return std::string(reinterpret_cast<const char*>(p),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_, i)));
}

bool sqlite_statement::column_is_null(int i) const {
  return sqlite3_column_type(stmt_, i) == SQLITE_NULL;
}

void sqlite_statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

core::result<std::unique_ptr<sqlite_connection>> sqlite_connection::open(const std::string& path) {
  // Before the first connection (SQLite's initialisation): no global memory statistics, whose
  // mutex every allocation of every connection would otherwise take.
  static const bool configured = [] { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK; }();
  (void)configured;
  // The database holds students' numbers and replies (crisis texts of minors): a new file is
  // created for the owner only (0600, whatever the umask), and SQLite gives its -wal and -shm
  // the database file's mode. An empty file is an empty database.
  if (!path.empty() && path != ":memory:" && path.rfind("file:", 0) != 0) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) ::close(fd);
  }
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           buffered_wal_vfs());
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return core::status::io_error("cannot open database " + path + ": " + msg);
  }
  sqlite3_busy_handler(db, wait_for_lock, nullptr);
  return std::unique_ptr<sqlite_connection>(new sqlite_connection(db));
}

sqlite_connection::sqlite_connection(sqlite3* db) : db_(db) {
  // Any rollback of a whole transaction (ROLLBACK, or SQLite's own after an error) undoes every
  // write that an after_commit belongs to.
  sqlite3_rollback_hook(
      db_, [](void* self) { static_cast<sqlite_connection*>(self)->after_commit_.clear(); }, this);
}

void sqlite_connection::after_commit(std::function<void()> fn) {
  if (sqlite3_get_autocommit(db_)) {
    fn();
    return;
  }
  after_commit_.push_back(std::move(fn));
}

void sqlite_connection::drop_after_commit(std::size_t mark) {
  if (mark < after_commit_.size())
    after_commit_.erase(after_commit_.begin() + static_cast<std::ptrdiff_t>(mark),
                        after_commit_.end());
}

void sqlite_connection::run_after_commit() {
  auto waiting = std::move(after_commit_);
  after_commit_.clear();
  // A report that throws must not take the store thread (or the rest of the reports) with it.
  for (auto& fn : waiting) try {
      fn();
    } catch (...) {
    }
}

bool sqlite_connection::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

sqlite_connection::~sqlite_connection() {
  for (auto& [sql, entry] : cache_) sqlite3_finalize(entry.first);
  sqlite3_close(db_);
}

core::status sqlite_connection::exec(std::string_view sql) {
  char* err = nullptr;
  std::string s(sql);
  if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return core::status::io_error("sqlite: " + msg);
  }
  return core::status::ok();
}

sqlite_statement& sqlite_connection::prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) {
    it->second.second->reset();
    return *it->second.second;
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &stmt, nullptr) != SQLITE_OK) {
    // A bad statement is a programming error in tuki's own SQL: fail loudly at first use.
    throw std::logic_error("sqlite prepare failed: " + std::string(sqlite3_errmsg(db_)) + " in: " + sql);
  }
  auto& entry = cache_[sql];
  entry.first = stmt;
  entry.second = std::make_unique<sqlite_statement>(stmt);
  return *entry.second;
}

sqlite_statement& sqlite_connection::prepare_literal(const char* sql, std::size_t size) {
  if (auto it = literals_.find(sql); it != literals_.end()) {
    it->second->reset();
    return *it->second;
  }
  auto& stmt = prepare(std::string(sql, size));
  literals_.emplace(sql, &stmt);
  return stmt;
}

std::int64_t sqlite_connection::last_insert_id() const { return sqlite3_last_insert_rowid(db_); }
int sqlite_connection::changes() const { return sqlite3_changes(db_); }
std::string sqlite_connection::error_message() const { return sqlite3_errmsg(db_); }

}  // namespace tuki::adapters
