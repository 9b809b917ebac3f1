// The writer's own tail checkpoint on a real SQLite file, with autocheckpoint off as in
// `tuki serve`: without it the WAL grows with every commit; with it the WAL is started again
// once it reaches its limit, and every row stays readable.
#include "tuki/adapters/store/wal_tail_checkpoint.hpp"


#include <catch2/catch.hpp>

#include "support/temp_db.hpp"

#include "tuki/adapters/store/sqlite_store.hpp"

using namespace tuki;
using namespace tuki::adapters;

namespace {

struct wal_run {
  std::uintmax_t wal_bytes = 0;
  std::uint64_t restarts = 0;
  std::int64_t rows = 0;
};

// 200 commits of 20 rows of 400 bytes each (about 2-3 new pages a commit).
wal_run write_commits(bool keep_short) {
  testing::temp_db db("tuki-tail");
  wal_run out;
  {
    auto opened = sqlite_store::open(db.str());
    REQUIRE(opened);
    auto& store = **opened;
    // Start from an empty WAL: what opening wrote (the migrations, more with each new one) is
    // not what this test measures, and a restart reuses the file without shrinking it.
    REQUIRE(store.db().exec("PRAGMA wal_checkpoint(TRUNCATE)").is_ok());
    REQUIRE(store.db().exec("PRAGMA wal_autocheckpoint=0").is_ok());
    REQUIRE(store.db().exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)").is_ok());
    if (keep_short) store.keep_wal_short(100);
    for (int c = 0; c < 200; ++c) {
      REQUIRE(store.begin().is_ok());
      for (int i = 0; i < 20; ++i)
        REQUIRE(store.db().prepare("INSERT INTO t (v) VALUES (?1)").bind(1, std::string(400, 'x')).run().is_ok());
      REQUIRE(store.commit().is_ok());
    }
    out.wal_bytes = db.wal_size();
    out.restarts = store.wal_restarts();
    auto& q = store.db().prepare("SELECT COUNT(*) FROM t");
    REQUIRE(q.step());
    out.rows = q.column_int(0);
    q.reset();
  }
  return out;
}

}  // namespace

TEST_CASE("the writer's tail checkpoint keeps the WAL from growing", "[store][checkpoint]") {
  const auto grown = write_commits(false);
  const auto kept = write_commits(true);
  CAPTURE(grown.wal_bytes, kept.wal_bytes, kept.restarts);
  CHECK(grown.restarts == 0);
  CHECK(grown.wal_bytes > 1'000 * 4096);  // every page of every commit is still in the WAL
  CHECK(kept.restarts > 0);
  // At most the limit (100 pages) plus the last commit's pages, and its header.
  CHECK(kept.wal_bytes < 120 * (4096 + 24) + 32);
  CHECK(kept.rows == 4000);
  CHECK(grown.rows == 4000);
}
