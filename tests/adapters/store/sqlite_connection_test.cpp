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
