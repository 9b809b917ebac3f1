#pragma once
// The SQLite schema as numbered migrations, applied in order at start. The version reached is
// kept in schema_version. A migration is never edited once released: add a new one instead.
#include <string_view>
#include <vector>

#include "tuki/adapters/store/sqlite_connection.hpp"

namespace tuki::adapters {

struct migration {
  int version;
  std::string_view description;
  std::string_view sql;
};

/// All migrations, ascending by version.
const std::vector<migration>& migrations();
int latest_schema_version();
/// The version a database is at (0 for a new one).
core::result<int> schema_version(sqlite_connection& db);
/// Applies every migration above the current version, each in its own transaction, up to
/// `target` (default: latest). A database newer than this build is refused.
core::status migrate(sqlite_connection& db, int target = -1);

}  // namespace tuki::adapters
