// The background checkpointer on a real SQLite file: with the writer's autocheckpoint off, the
// WAL's committed frames are copied into the database by the checkpointer's own connection,
// the data stays readable, and the writer starts the WAL again once it has all been copied.
#include "tuki/adapters/store/wal_checkpointer.hpp"

#include <thread>

#include <catch2/catch.hpp>

#include "support/temp_db.hpp"

#include "tuki/adapters/store/sqlite_store.hpp"

using namespace tuki;
using namespace tuki::adapters;

TEST_CASE("the checkpointer copies committed WAL frames into the database", "[store][checkpoint]") {
  testing::temp_db db("tuki-checkpoint");
  auto opened = sqlite_store::open(db.str());
  REQUIRE(opened);
  auto& store = **opened;
  REQUIRE(store.db().exec("PRAGMA wal_autocheckpoint=0").is_ok());
  REQUIRE(store.db().exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)").is_ok());
  auto write_rows = [&](int n) {
    REQUIRE(store.begin().is_ok());
    for (int i = 0; i < n; ++i)
      REQUIRE(store.db().prepare("INSERT INTO t (v) VALUES (?1)").bind(1, std::string(200, 'x')).run().is_ok());
    REQUIRE(store.commit().is_ok());
  };
  write_rows(2000);
  const auto wal_size = [&] { return db.wal_size(); };
  const auto grown = wal_size();
  CHECK(grown > 100'000);  // the rows sit in the WAL: nothing checkpointed them

  auto cp = wal_checkpointer::start(db.str(), "FULL", std::chrono::milliseconds(5));
  REQUIRE(cp);
  // Wait (bounded) for a round that copies frames; this asserts that it happens, not how fast.
  for (int i = 0; i < 400 && (*cp)->statistics().frames == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  // Once every frame is copied, rounds that copy nothing start no writeback.
  for (int i = 0; i < 400 && (*cp)->progress().copied < (*cp)->progress().wal_frames; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const auto caught_up = (*cp)->statistics();
  for (int i = 0; i < 400 && (*cp)->statistics().rounds < caught_up.rounds + 3; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  (*cp)->stop();
  const auto stats = (*cp)->statistics();
  CHECK(stats.rounds >= caught_up.rounds + 3);
  CHECK(stats.frames > 0);
  // A round that copied frames started their writeback, and only such rounds did.
  CHECK(caught_up.writebacks >= 1);
  CHECK(stats.writebacks == caught_up.writebacks);
  (*cp)->stop();  // idempotent

  // Everything was copied, so the next transaction starts the WAL from the beginning: writing a
  // few more rows does not grow the file past what it already was.
  write_rows(10);
  CHECK(wal_size() <= grown);
  auto& q = store.db().prepare("SELECT COUNT(*) FROM t");
  REQUIRE(q.step());
  CHECK(q.column_int(0) == 2010);
  q.reset();
  opened->reset();
}

TEST_CASE("a hurried checkpointer reports its progress and lets the writer restart the WAL",
          "[store][checkpoint]") {
  testing::temp_db db("tuki-hurry");
  auto opened = sqlite_store::open(db.str());
  REQUIRE(opened);
  auto& store = **opened;
  REQUIRE(store.db().exec("PRAGMA wal_autocheckpoint=0").is_ok());
  REQUIRE(store.db().exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)").is_ok());
  // An empty WAL to start from: the migrations of a new database leave some 70 frames in it,
  // more with each new migration, and the limits below count from zero.
  REQUIRE(store.db().exec("PRAGMA wal_checkpoint(TRUNCATE)").is_ok());
  // A pause far longer than the test: only hurry() makes the checkpointer run.
  auto started = wal_checkpointer::start(db.str(), "FULL", std::chrono::hours(1));
  REQUIRE(started);
  std::shared_ptr<wal_checkpointer> cp(std::move(*started));
  CHECK(cp->progress().wal_frames == -1);  // no round yet
  store.keep_wal_short(50, cp);
  auto commit_rows = [&](int n) {
    REQUIRE(store.begin().is_ok());
    for (int i = 0; i < n; ++i)
      REQUIRE(store.db().prepare("INSERT INTO t (v) VALUES (?1)").bind(1, std::string(400, 'y')).run().is_ok());
    REQUIRE(store.commit().is_ok());
  };
  commit_rows(200);  // about 25 pages: under the limit
  CHECK(cp->progress().wal_frames == -1);
  // Past the limit: the commit asks the checkpointer to hurry; it copies everything, and a later
  // commit (bounded wait) finds only a small tail left and restarts the WAL.
  for (int i = 0; i < 400 && store.wal_restarts() == 0; ++i) {
    commit_rows(20);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  CHECK(store.wal_restarts() >= 1);
  const auto p = cp->progress();
  CHECK(p.wal_frames >= 0);
  CHECK(p.copied >= 0);
  CHECK(p.copied <= p.wal_frames);
  cp->stop();
  auto& q = store.db().prepare("SELECT COUNT(*) FROM t");
  REQUIRE(q.step());
  CHECK(q.column_int(0) >= 220);
  q.reset();
  opened->reset();
}
