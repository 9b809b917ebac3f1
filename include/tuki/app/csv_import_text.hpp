#pragma once
// The text of a CSV file an operator imports (students, staff), checked before any row is read:
// it must be UTF-8, and its fields may be separated by ',' or, as Excel saves "CSV" in Finnish and
// many other European locales, by ';'. Such a spreadsheet also writes dates as 10.8.2026 and
// leaves rows of separators only (;;;;) below the data; both are read as the operator meant.
#include <string>
#include <string_view>

#include "tuki/core/status.hpp"
#include "tuki/core/text/csv.hpp"

namespace tuki::app {

/// OK when `text` is UTF-8 (a BOM at the start is allowed). Otherwise names the line and column
/// of the first invalid byte and says what the file probably is (Latin-1/Windows-1252, UTF-16)
/// and how to save it as UTF-8. One pass over the text; ASCII is checked 8 bytes at a time.
core::status check_csv_encoding(std::string_view text);

/// A reader for the file: ';'-separated when its header line is (core::guess_csv_delimiter),
/// else ','. Holds a view of `text`.
core::csv_reader open_import_csv(std::string_view text);

/// The next row of `reader` that has a cell with more than blanks in it: rows made only of
/// separators (`;;;;`, as Excel writes below the data when empty cells were formatted) are
/// skipped, as csv_reader skips blank lines. False at the end or on a malformed row
/// (reader.error()).
bool next_import_row(core::csv_reader& reader, core::csv_row& row);

/// A date cell as the store keeps it, YYYY-MM-DD: the cell is YYYY-MM-DD (`2026-08-10`) or
/// D.M.YYYY, as spreadsheets write dates in Finnish and other European locales (`10.8.2026`,
/// `10.08.2026`). Either way the day must exist. The error reads
/// "'31.2.2026' is not a date (YYYY-MM-DD or D.M.YYYY, a day that exists)"; the caller adds the
/// line and column.
core::result<std::string> import_date(std::string_view cell);

}  // namespace tuki::app
