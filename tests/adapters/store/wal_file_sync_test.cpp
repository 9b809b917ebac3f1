#include "tuki/adapters/store/wal_file_sync.hpp"

#include <filesystem>

#include <catch2/catch.hpp>

#include "tuki/adapters/store/sqlite_store.hpp"

using namespace tuki;

TEST_CASE("wal_file_sync syncs the WAL of an open store and names a missing one",
          "[adapters][store][wal_file_sync]") {
  auto dir = std::filesystem::temp_directory_path() / ("tuki-walsync-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto path = (dir / "tuki.db").string();

  // No database yet: no WAL file, and the error says which file.
  auto missing = adapters::wal_file_sync::open(path);
  REQUIRE_FALSE(missing);
  CHECK_THAT(missing.error().message(), Catch::Contains("tuki.db-wal"));
  // A storage failure, which the inbound route answers 5xx (write_queue.cpp).
  CHECK(missing.error().error_code() == core::status::code::io_error);

  auto store = adapters::sqlite_store::open(path);
  REQUIRE(store);
  auto wal = adapters::wal_file_sync::open(path);
  REQUIRE(wal);
  REQUIRE((*store)->insert_inbound(std::nullopt, "kannel", "k1", "x", core::from_unix_ms(0)));
  CHECK((*wal)->sync());
  CHECK(std::filesystem::file_size(path + "-wal") > 0);
  wal->reset();
  store->reset();
  std::filesystem::remove_all(dir);
}
