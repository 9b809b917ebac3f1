#pragma once
// Importing a students CSV file of any size (a whole country: a million rows) beside a running
// service, in two steps:
//  1. The check, which writes nothing to the database: a reader thread cuts the file into
//     chunks of rows, a pool of threads checks them, each handing its chunk's phone numbers to a
//     worker process of its own (libphonenumber is the costly part, and its shared pattern cache
//     serialises threads: phone_workers.hpp; with one checker, or if the workers cannot be
//     started, numbers are normalised in-process); the calling thread finds repeated ids and
//     numbers, and numbers the database gives a student the file does not give another one, and
//     stages each good row (sqlite_store::stage_student: a TEMP table, no lock of the database).
//     Every error is reported (line-numbered) and nothing is written.
//  2. The copy: the staged rows go into students in file order, a chunk at a time, in short
//     transactions (at most about 100 ms), the lock left free for a moment between them: the
//     service's writer waits milliseconds, not the whole import. A failure that no check could
//     foresee (a full disk) stops the import there with the line and the rows written; the
//     transactions before stay, and the same import run again completes it (an upsert by
//     student_id).
// A file that is not UTF-8 is refused before any row is read (csv_import_text.hpp); columns the
// file lacks keep their stored values.
#include <cstddef>
#include <functional>
#include <string>

#include "tuki/adapters/store/sqlite_store.hpp"
#include "tuki/core/status.hpp"

namespace tuki::app {

struct import_progress {
  // How far through the file: the check is the first half of bytes_total, the writes the second.
  std::size_t bytes_read = 0;
  std::size_t bytes_total = 0;
  std::size_t rows_written = 0;  // committed; 0 during the check
};

struct import_summary {
  std::size_t rows = 0;
  std::size_t written = 0;    // rows new or changed
  std::size_t created = 0;    // of those, new students
  std::size_t updated = 0;    // of those, students with a changed value
  std::size_t unchanged = 0;  // rows that held nothing new
};

/// Imports `path` into `store` for the institution. `on_progress` (may be empty) is called from
/// the calling thread now and then, never inside a transaction. `threads` = 0: one checker per
/// core. With more than one checker, forks that many phone workers: call it before the process
/// starts other threads.
core::result<import_summary> import_students_file(
    const std::string& path, adapters::sqlite_store& store, const std::string& institution_id,
    const std::string& country, const std::string& default_language, core::instant now,
    const std::function<void(const import_progress&)>& on_progress = {}, unsigned threads = 0);

}  // namespace tuki::app
