#pragma once
// A thin RAII wrapper over one sqlite3 connection with cached prepared statements.
// Thread-safety: none. A connection is owned by one thread (the store thread for the writer;
// each reader thread opens its own).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tuki/core/status.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace tuki::adapters {

class sqlite_statement {
 public:
  explicit sqlite_statement(sqlite3_stmt* s) : stmt_(s) {}
  sqlite_statement& bind(int index, std::int64_t v);
  sqlite_statement& bind(int index, int v) { return bind(index, static_cast<std::int64_t>(v)); }
  sqlite_statement& bind(int index, std::string_view v);
  sqlite_statement& bind(int index, const std::string& v) { return bind(index, std::string_view(v)); }
  sqlite_statement& bind(int index, const char* v) { return bind(index, std::string_view(v)); }
  sqlite_statement& bind_null(int index);
  sqlite_statement& bind_double(int index, double v);
  sqlite_statement& bind(int index, const std::optional<std::int64_t>& v) {
    return v ? bind(index, *v) : bind_null(index);
  }
  /// Steps once: true when a row is available, false when done. Errors are reported through
  /// status(); a failed step also returns false. A UNIQUE or PRIMARY KEY conflict is
  /// already_exists, any other constraint (CHECK, NOT NULL, FOREIGN KEY, a trigger's RAISE)
  /// invalid_argument, anything else io_error; each with SQLite's message.
  bool step();
  /// Runs to completion (for writes). Resets afterwards.
  core::status run();
  /// Steps once and resets: column 0 of the first row, or nothing when there is no row (or the
  /// step failed; status() tells which).
  std::optional<std::int64_t> first_int();
  std::optional<std::string> first_text();
  std::int64_t column_int(int i) const;
  double column_double(int i) const;
  std::string column_text(int i) const;
  bool column_is_null(int i) const;
  /// Resets for reuse and clears bindings (called by run(), and by the cache before reuse).
  void reset();
  const core::status& status() const { return status_; }

 private:
  sqlite3_stmt* stmt_;
  core::status status_;
};

class sqlite_connection {
 public:
  /// Opens (creating if needed) `path`; ":memory:" for a private in-memory database.
  static core::result<std::unique_ptr<sqlite_connection>> open(const std::string& path);
  ~sqlite_connection();
  sqlite_connection(const sqlite_connection&) = delete;
  sqlite_connection& operator=(const sqlite_connection&) = delete;

  /// Runs one or more statements without results.
  core::status exec(std::string_view sql);
  /// A cached prepared statement, reset and ready for binding. The reference stays valid for the
  /// connection's lifetime; do not hold two uses of the same SQL at once.
  sqlite_statement& prepare(const std::string& sql);
  /// The same for SQL written as a string literal (nearly every statement tuki runs): found by
  /// the literal's address, so a lookup neither copies nor hashes the text.
  template <std::size_t N>
  sqlite_statement& prepare(const char (&sql)[N]) {
    return prepare_literal(sql, N - 1);
  }
  std::int64_t last_insert_id() const;
  int changes() const;
  /// The last error text of the connection.
  std::string error_message() const;
  sqlite3* raw() { return db_; }

  /// Runs `fn` once the transaction open now has committed (sqlite_store::commit calls
  /// run_after_commit), or at once when none is open. It is dropped, never run, when the
  /// transaction rolls back, or a savepoint begun before it is rolled back to: what it reports
  /// (a count, a log line) then matches what was kept, however often a job is undone and retried.
  void after_commit(std::function<void()> fn);
  /// How many are waiting: a savepoint's mark, for drop_after_commit when it is rolled back to.
  std::size_t after_commit_mark() const { return after_commit_.size(); }
  /// Drops those registered since `mark` (their writes were undone).
  void drop_after_commit(std::size_t mark);
  /// Runs and forgets every one waiting; after a COMMIT.
  void run_after_commit();
  /// Whether a transaction is open (BEGIN, or a savepoint that began outside one).
  bool in_transaction() const;

 private:
  explicit sqlite_connection(sqlite3* db);
  std::vector<std::function<void()>> after_commit_;
  sqlite_statement& prepare_literal(const char* sql, std::size_t size);
  sqlite3* db_;
  // Hashed: a lookup costs one pass over the SQL text, not several compares of long strings.
  std::unordered_map<std::string, std::pair<sqlite3_stmt*, std::unique_ptr<sqlite_statement>>> cache_;
  std::unordered_map<const char*, sqlite_statement*> literals_;  // into cache_
};

}  // namespace tuki::adapters
