#pragma once
// Importing a students CSV file of any size (a whole country: a million rows) in one pass:
// the file is read in chunks; a pool of threads checks rows and normalises phone numbers
// (libphonenumber is the costly part); the calling thread writes checked chunks, in file order,
// into one transaction. Any error anywhere rolls the whole transaction back, and every error is
// reported (line-numbered): a file is never half imported.
#include <cstddef>
#include <functional>
#include <string>

#include "tuki/adapters/store/sqlite_store.hpp"
#include "tuki/core/status.hpp"

namespace tuki::app {

struct import_progress {
  std::size_t bytes_read = 0;
  std::size_t bytes_total = 0;
  std::size_t rows_written = 0;
};

struct import_summary {
  std::size_t rows = 0;
  std::size_t created = 0;
  std::size_t updated = 0;
};

/// Imports `path` into `store` for the institution. `on_progress` (may be empty) is called from
/// the calling thread now and then. `threads` = 0: one checker per core.
core::result<import_summary> import_students_file(
    const std::string& path, adapters::sqlite_store& store, const std::string& institution_id,
    const std::string& country, const std::string& default_language, core::instant now,
    const std::function<void(const import_progress&)>& on_progress = {}, unsigned threads = 0);

}  // namespace tuki::app
