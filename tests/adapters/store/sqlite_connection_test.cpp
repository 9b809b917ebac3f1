#include "tuki/adapters/store/sqlite_connection.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "support/temp_db.hpp"

using namespace tuki;
using tuki::adapters::sqlite_connection;

TEST_CASE("first_int and first_text give the first row's value, nothing without a row, and reset",
          "[store]") {
  testing::temp_db db;
  auto conn = sqlite_connection::open(db.path.string());
  REQUIRE(conn);
  auto& c = **conn;
  REQUIRE(c.exec("CREATE TABLE t (k INTEGER, v TEXT);"
                 "INSERT INTO t VALUES (1, 'one'), (1, 'uno'), (2, 'two')")
              .is_ok());
  auto& text = c.prepare("SELECT v FROM t WHERE k = ?1 ORDER BY rowid");
  CHECK(text.bind(1, 1).first_text() == "one");  // the first of two rows
  CHECK(text.bind(1, 2).first_text() == "two");  // reset: the statement runs again
  CHECK_FALSE(text.bind(1, 3).first_text());
  CHECK(text.status().is_ok());
  auto& times_ten = c.prepare("SELECT k * 10 FROM t WHERE k = ?1 ORDER BY rowid");
  CHECK_FALSE(times_ten.bind(1, 3).first_int());
  CHECK(times_ten.bind(1, 2).first_int() == 20);
  CHECK(times_ten.bind(1, 1).first_int() == 10);  // one of two rows: the statement is mid-way
  // SQLite refuses to drop a table while a statement reading it is still active (not reset).
  CHECK(c.exec("DROP TABLE t").is_ok());
}

TEST_CASE("a new database and its WAL are the owner's only, whatever the umask", "[store]") {
  testing::temp_db db;
  const mode_t old = ::umask(022);  // the usual default: new files readable by every user
  auto conn = sqlite_connection::open(db.path.string());
  const bool wrote = conn && (*conn)->exec("PRAGMA journal_mode = WAL; CREATE TABLE t (k);"
                                           "INSERT INTO t VALUES (1)").is_ok();
  ::umask(old);
  REQUIRE(wrote);
  struct stat st {};
  REQUIRE(::stat(db.path.c_str(), &st) == 0);
  CHECK((st.st_mode & 077) == 0);  // students' numbers and replies
  REQUIRE(::stat((db.str() + "-wal").c_str(), &st) == 0);
  CHECK((st.st_mode & 077) == 0);
}

TEST_CASE(
    "a step refused by a UNIQUE or PRIMARY KEY constraint is already_exists, by any other "
    "constraint invalid_argument, each with SQLite's message",
    "[store]") {
  testing::temp_db db;
  auto conn = sqlite_connection::open(db.path.string());
  REQUIRE(conn);
  auto& c = **conn;
  REQUIRE(c.exec("PRAGMA foreign_keys = ON;"
                 "CREATE TABLE parent (id INTEGER PRIMARY KEY);"
                 "CREATE TABLE t (k TEXT PRIMARY KEY, u TEXT UNIQUE, n TEXT NOT NULL,"
                 " c INTEGER CHECK (c > 0), p INTEGER REFERENCES parent (id));"
                 "CREATE TABLE w (k TEXT PRIMARY KEY) WITHOUT ROWID;"
                 "CREATE TRIGGER refuse BEFORE INSERT ON t WHEN NEW.k = 'raise'"
                 " BEGIN SELECT RAISE(ABORT, 'refused (test)'); END;"
                 "INSERT INTO parent VALUES (1); INSERT INTO w VALUES ('a');"
                 "INSERT INTO t VALUES ('a', 'x', 'n', 1, 1)")
              .is_ok());
  using code = core::status::code;
  struct refused {
    const char* sql;
    code expected;
    const char* message;
  };
  const refused cases[] = {
      {"INSERT INTO t VALUES ('a', 'y', 'n', 1, 1)", code::already_exists,
       "UNIQUE constraint failed: t.k"},
      {"INSERT INTO parent VALUES (1)", code::already_exists,
       "UNIQUE constraint failed: parent.id"},
      {"INSERT INTO w VALUES ('a')", code::already_exists, "UNIQUE constraint failed: w.k"},
      {"INSERT INTO t VALUES ('b', 'x', 'n', 1, 1)", code::already_exists,
       "UNIQUE constraint failed: t.u"},
      {"INSERT INTO t VALUES ('b', 'y', NULL, 1, 1)", code::invalid_argument,
       "NOT NULL constraint failed: t.n"},
      {"INSERT INTO t VALUES ('b', 'y', 'n', 0, 1)", code::invalid_argument,
       "CHECK constraint failed"},
      {"INSERT INTO t VALUES ('b', 'y', 'n', 1, 2)", code::invalid_argument,
       "FOREIGN KEY constraint failed"},
      {"INSERT INTO t VALUES ('raise', 'y', 'n', 1, 1)", code::invalid_argument, "refused (test)"},
      {"SELECT abs(-9223372036854775807 - 1)", code::io_error, "sqlite: integer overflow"},
  };
  for (const auto& r : cases) {
    CAPTURE(r.sql);
    auto st = c.prepare(r.sql).run();
    CHECK(st.error_code() == r.expected);
    CHECK_THAT(st.message(), Catch::Contains(r.message));
  }
  // A statement that succeeds after a refused one is ok again.
  CHECK(c.prepare("INSERT INTO t VALUES ('b', 'y', 'n', 1, 1)").run().is_ok());
}
