// The VFS that writes WAL frames in runs (wal_write_buffer.hpp), on real files: another
// connection sees every commit whole, a process that dies mid-transaction loses only that
// transaction, and SQLite's own rewrites, spills, rollbacks, checkpoints and WAL restarts keep
// the database intact.
#include "tuki/adapters/store/wal_write_buffer.hpp"

#include <string>

#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "support/temp_db.hpp"

#include "tuki/adapters/store/sqlite_connection.hpp"

using namespace tuki;
using namespace tuki::adapters;

namespace {

std::unique_ptr<sqlite_connection> open_wal(const std::string& path) {
  auto c = sqlite_connection::open(path);
  REQUIRE(c);
  REQUIRE((*c)->exec("PRAGMA journal_mode=WAL").is_ok());
  REQUIRE((*c)->exec("PRAGMA synchronous=NORMAL").is_ok());
  REQUIRE((*c)->exec("PRAGMA wal_autocheckpoint=0").is_ok());
  return std::move(*c);
}

// A connection to a new database with the test table.
std::unique_ptr<sqlite_connection> create_table(const std::string& path) {
  auto c = open_wal(path);
  REQUIRE(c->exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)").is_ok());
  return c;
}

// The first column of the first row, as text.
std::string scalar(sqlite_connection& c, const std::string& sql) {
  auto& q = c.prepare(sql);
  REQUIRE(q.step());
  auto s = q.column_text(0);
  q.reset();
  return s;
}

std::int64_t count_rows(sqlite_connection& c) { return std::stoll(scalar(c, "SELECT COUNT(*) FROM t")); }
std::string integrity(sqlite_connection& c) { return scalar(c, "PRAGMA integrity_check"); }

void insert_rows(sqlite_connection& c, int n, std::size_t bytes = 300) {
  for (int i = 0; i < n; ++i)
    REQUIRE(c.prepare("INSERT INTO t (v) VALUES (?1)").bind(1, std::string(bytes, 'a' + i % 26)).run().is_ok());
}

void commit_rows(sqlite_connection& c, int n, std::size_t bytes = 300) {
  REQUIRE(c.exec("BEGIN IMMEDIATE").is_ok());
  insert_rows(c, n, bytes);
  REQUIRE(c.exec("COMMIT").is_ok());
}

}  // namespace

TEST_CASE("store connections write through the WAL-runs VFS", "[store][wal]") {
  testing::temp_db db("tuki-walruns");
  auto c = open_wal(db.str());
  char* name = nullptr;
  REQUIRE(sqlite3_file_control(c->raw(), "main", SQLITE_FCNTL_VFSNAME, &name) == SQLITE_OK);
  REQUIRE(name != nullptr);
  CHECK(std::string(name).find(buffered_wal_vfs()) != std::string::npos);
  sqlite3_free(name);
}

TEST_CASE("another connection sees each commit whole, whatever its size", "[store][wal]") {
  testing::temp_db db("tuki-walruns");
  auto writer = create_table(db.str());
  auto reader = open_wal(db.str());
  std::int64_t expected = 0;
  // 1 row, a few pages, and 1.5 MB: more than one run (1 MiB) before the commit frame.
  for (int n : {1, 50, 5000, 3, 700}) {
    commit_rows(*writer, n);
    expected += n;
    CHECK(count_rows(*reader) == expected);
  }
  CHECK(db.wal_size() > 1'500'000);  // it all went to the WAL, none of it checkpointed
  CHECK(integrity(*reader) == "ok");
}

TEST_CASE("a process killed mid-transaction keeps every commit and loses only the open one",
          "[store][wal]") {
  testing::temp_db db("tuki-walruns");
  create_table(db.str());  // and closed
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // No Catch2 in the child: plain SQLite calls, then _exit without closing anything, as
    // kill -9 would leave it (a gathered run of the open transaction is never written).
    sqlite3* raw = nullptr;
    if (sqlite3_open_v2(db.str().c_str(), &raw, SQLITE_OPEN_READWRITE, buffered_wal_vfs()) != SQLITE_OK)
      ::_exit(2);
    sqlite3_exec(raw, "PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=0", nullptr, nullptr, nullptr);
    for (int t = 0; t < 20; ++t) {
      if (sqlite3_exec(raw, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) ::_exit(3);
      for (int i = 0; i < 100; ++i)
        sqlite3_exec(raw, "INSERT INTO t (v) VALUES (hex(randomblob(150)))", nullptr, nullptr, nullptr);
      if (sqlite3_exec(raw, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) ::_exit(4);
    }
    sqlite3_exec(raw, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    for (int i = 0; i < 100; ++i)
      sqlite3_exec(raw, "INSERT INTO t (v) VALUES (hex(randomblob(150)))", nullptr, nullptr, nullptr);
    ::_exit(0);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  auto after = open_wal(db.str());  // recovers the WAL the child left
  CHECK(count_rows(*after) == 20 * 100);
  CHECK(integrity(*after) == "ok");
}

TEST_CASE("spilled, rewritten and rolled-back frames leave the database intact", "[store][wal]") {
  testing::temp_db db("tuki-walruns");
  auto writer = create_table(db.str());
  REQUIRE(writer->exec("PRAGMA cache_size=10").is_ok());  // pages spill to the WAL mid-transaction
  auto reader = open_wal(db.str());
  commit_rows(*writer, 200);

  // Spilled, then rolled back: the WAL holds frames no commit names.
  REQUIRE(writer->exec("BEGIN IMMEDIATE").is_ok());
  insert_rows(*writer, 3000);
  REQUIRE(writer->exec("ROLLBACK").is_ok());
  CHECK(count_rows(*reader) == 200);

  // Spilled, then the same pages written again in the same transaction (SQLite rewrites those
  // frames in place and their checksums after the commit frame).
  REQUIRE(writer->exec("BEGIN IMMEDIATE").is_ok());
  insert_rows(*writer, 2000);
  REQUIRE(writer->exec("UPDATE t SET v = 'second' WHERE id > 200").is_ok());
  REQUIRE(writer->exec("UPDATE t SET v = 'third' WHERE id % 2 = 0").is_ok());
  REQUIRE(writer->exec("COMMIT").is_ok());
  CHECK(count_rows(*reader) == 2200);
  CHECK(scalar(*reader, "SELECT COUNT(*) FROM t WHERE v = 'second'") == "1000");  // odd ids above 200
  CHECK(integrity(*reader) == "ok");
}

TEST_CASE("a checkpoint by another connection and the WAL's restart keep every commit",
          "[store][wal]") {
  testing::temp_db db("tuki-walruns");
  auto writer = create_table(db.str());
  auto other = open_wal(db.str());
  std::int64_t expected = 0;
  for (int round = 0; round < 4; ++round) {
    commit_rows(*writer, 400);
    expected += 400;
    // Everything copied and the WAL truncated: the writer's next commit starts it again from
    // its header at offset 0.
    REQUIRE(other->exec(round % 2 ? "PRAGMA wal_checkpoint(TRUNCATE)" : "PRAGMA wal_checkpoint(PASSIVE)")
                .is_ok());
    commit_rows(*writer, 10);
    expected += 10;
    CHECK(count_rows(*other) == expected);
  }
  writer.reset();
  other.reset();
  auto reopened = open_wal(db.str());
  CHECK(count_rows(*reopened) == expected);
  CHECK(integrity(*reopened) == "ok");
}

TEST_CASE("two processes writing the same WAL in turn keep every commit", "[store][wal]") {
  // Each process's idea of where the WAL ends goes stale while the other one writes (and
  // restarts the WAL with a checkpoint): its next frames must land where SQLite puts them.
  testing::temp_db db("tuki-walruns");
  create_table(db.str());
  auto write_rounds = [&](const char* value, bool checkpoint) {
    sqlite3* raw = nullptr;
    if (sqlite3_open_v2(db.str().c_str(), &raw, SQLITE_OPEN_READWRITE, buffered_wal_vfs()) != SQLITE_OK)
      return false;
    sqlite3_busy_timeout(raw, 10000);
    sqlite3_exec(raw, "PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=0", nullptr, nullptr, nullptr);
    bool ok = true;
    const std::string insert = std::string("INSERT INTO t (v) VALUES ('") + value + "' || hex(randomblob(100)))";
    for (int round = 0; round < 40 && ok; ++round) {
      ok = sqlite3_exec(raw, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK;
      for (int i = 0; i < 50 && ok; ++i) ok = sqlite3_exec(raw, insert.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
      ok = ok && sqlite3_exec(raw, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK;
      if (ok && checkpoint && round % 10 == 9)
        ok = sqlite3_exec(raw, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr) == SQLITE_OK;
    }
    sqlite3_close(raw);
    return ok;
  };
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) ::_exit(write_rounds("child", true) ? 0 : 1);
  const bool parent_ok = write_rounds("parent", false);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(parent_ok);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  auto after = open_wal(db.str());
  CHECK(count_rows(*after) == 2 * 40 * 50);
  CHECK(scalar(*after, "SELECT COUNT(*) FROM t WHERE v LIKE 'child%'") == "2000");
  CHECK(integrity(*after) == "ok");
}
