// P3 baseline: SQLite alone writing N rows shaped like tuki's planned sends (the rows a campaign
// stores: the same columns and partial index, as of migration 6) in one transaction, with the
// store's settings (WAL, synchronous=FULL, temp_store=MEMORY), one prepared statement re-bound
// per row. The time covers BEGIN to COMMIT (the fsync included), not opening the database.
// Usage: bench_sqlite_rows DB_PATH [ROWS=100000]   (DB_PATH must not exist; it is removed after)
// Prints: "sqlite rows: N in M ms"
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <sqlite3.h>

namespace {

bool exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) == SQLITE_OK) return true;
  std::fprintf(stderr, "sqlite: %s: %s\n", sql, err ? err : "?");
  sqlite3_free(err);
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_sqlite_rows DB_PATH [ROWS]\n");
    return 2;
  }
  const std::string path = argv[1];
  const long rows = argc > 2 ? std::atol(argv[2]) : 100'000;
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
    std::fprintf(stderr, "cannot open %s\n", path.c_str());
    return 1;
  }
  if (!exec(db, "PRAGMA journal_mode=WAL") || !exec(db, "PRAGMA synchronous=FULL") ||
      !exec(db, "PRAGMA temp_store=MEMORY") ||
      !exec(db,
            "CREATE TABLE planned_sends (id INTEGER PRIMARY KEY, campaign_id INTEGER NOT NULL, "
            "student_id INTEGER NOT NULL, day INTEGER NOT NULL DEFAULT 0, due_at INTEGER NOT NULL, "
            "status TEXT NOT NULL DEFAULT 'planned', updated_at INTEGER NOT NULL);"
            "CREATE INDEX planned_sends_due ON planned_sends (due_at) WHERE status = 'planned';"))
    return 1;
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db,
                     "INSERT INTO planned_sends (campaign_id, student_id, day, due_at, updated_at) "
                     "VALUES (?1, ?2, ?3, ?4, ?5)",
                     -1, &st, nullptr);
  const std::int64_t now_ms = 1'795'355'905'000;
  const auto t0 = std::chrono::steady_clock::now();
  if (!exec(db, "BEGIN IMMEDIATE")) return 1;
  for (long i = 0; i < rows; ++i) {
    // Campaign days of 2,000 students, spread over a 12-hour window: like a staggered campaign.
    const std::int64_t day = i / 2000;
    sqlite3_bind_int64(st, 1, 1);
    sqlite3_bind_int64(st, 2, i + 1);
    sqlite3_bind_int64(st, 3, day);
    sqlite3_bind_int64(st, 4, now_ms + day * 86'400'000 + (i % 2000) * 21'600);
    sqlite3_bind_int64(st, 5, now_ms);
    if (sqlite3_step(st) != SQLITE_DONE) {
      std::fprintf(stderr, "insert: %s\n", sqlite3_errmsg(db));
      return 1;
    }
    sqlite3_reset(st);
  }
  if (!exec(db, "COMMIT")) return 1;
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  sqlite3_finalize(st);
  sqlite3_close(db);
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
  std::printf("sqlite rows: %ld in %.1f ms\n", rows, ms);
  return 0;
}
