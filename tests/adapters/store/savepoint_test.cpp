#include "tuki/adapters/store/savepoint.hpp"

#include <catch2/catch.hpp>

#include "support/temp_db.hpp"

using namespace tuki;
using tuki::adapters::savepoint;
using tuki::adapters::sqlite_connection;

namespace {

std::int64_t rows(sqlite_connection& c) {
  return c.prepare("SELECT COUNT(*) FROM t").first_int().value_or(-1);
}

}  // namespace

TEST_CASE("a savepoint undoes only its own writes, and keeps them when released", "[store]") {
  testing::temp_db db;
  auto conn = sqlite_connection::open(db.path.string());
  REQUIRE(conn);
  auto& c = **conn;
  REQUIRE(c.exec("CREATE TABLE t (v INTEGER)"));
  REQUIRE(c.exec("BEGIN"));
  REQUIRE(c.exec("INSERT INTO t VALUES (1)"));
  {
    savepoint failed(c, "item");
    REQUIRE(failed.begun());
    REQUIRE(c.exec("INSERT INTO t VALUES (2)"));
    CHECK(rows(c) == 2);
    failed.rollback();
  }
  CHECK(rows(c) == 1);  // the write before it stays
  {
    savepoint kept(c, "item");
    REQUIRE(kept.begun());
    REQUIRE(c.exec("INSERT INTO t VALUES (3)"));
    CHECK(kept.release());
  }
  {
    savepoint forgotten(c, "item");  // neither released nor rolled back: undone when it ends
    REQUIRE(forgotten.begun());
    REQUIRE(c.exec("INSERT INTO t VALUES (4)"));
  }
  REQUIRE(c.exec("COMMIT"));  // the transaction is still open and commits what was kept
  CHECK(rows(c) == 2);
  CHECK(c.prepare("SELECT group_concat(v) FROM (SELECT v FROM t ORDER BY v)").first_text() ==
        "1,3");
}

TEST_CASE("after_commit runs once its transaction commits, and never for undone writes",
          "[store]") {
  testing::temp_db db;
  auto conn = sqlite_connection::open(db.path.string());
  REQUIRE(conn);
  auto& c = **conn;
  REQUIRE(c.exec("CREATE TABLE t (v INTEGER)"));
  std::vector<std::string> ran;
  auto note = [&ran](std::string what) { return [&ran, what] { ran.push_back(what); }; };

  c.after_commit(note("outside"));  // no transaction: at once
  CHECK(ran == std::vector<std::string>{"outside"});

  REQUIRE(c.exec("BEGIN"));
  c.after_commit(note("kept"));
  {
    savepoint undone(c, "item");
    c.after_commit(note("undone"));
    {
      savepoint inner(c, "inner");
      c.after_commit(note("inner, released"));
      REQUIRE(inner.release());
    }
    undone.rollback();  // drops its own and the inner one's, released into it
  }
  {
    savepoint released(c, "item");
    c.after_commit(note("released"));
    REQUIRE(released.release());
  }
  CHECK(ran.size() == 1);  // nothing before the commit
  REQUIRE(c.exec("COMMIT"));
  c.run_after_commit();
  CHECK(ran == std::vector<std::string>{"outside", "kept", "released"});
  c.run_after_commit();  // each runs once
  CHECK(ran.size() == 3);

  REQUIRE(c.exec("BEGIN"));
  c.after_commit(note("rolled back"));
  REQUIRE(c.exec("ROLLBACK"));
  REQUIRE(c.exec("BEGIN"));
  REQUIRE(c.exec("COMMIT"));
  c.run_after_commit();
  CHECK(ran.size() == 3);  // a whole rollback drops them too
}

TEST_CASE("a savepoint begun outside a transaction runs after_commit when released", "[store]") {
  testing::temp_db db;
  auto conn = sqlite_connection::open(db.path.string());
  REQUIRE(conn);
  auto& c = **conn;
  int ran = 0;
  {
    savepoint outer(c, "outer");
    c.after_commit([&ran] { ++ran; });
    c.after_commit([] { throw std::runtime_error("a report that fails"); });
    c.after_commit([&ran] { ++ran; });
    CHECK(ran == 0);
    REQUIRE(outer.release());
  }
  CHECK(ran == 2);  // the throwing one neither escaped nor stopped the others
}
