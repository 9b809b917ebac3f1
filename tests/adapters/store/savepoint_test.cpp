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
