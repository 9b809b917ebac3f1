#pragma once
// The text of a CSV file an operator imports (students, staff), checked before any row is read:
// it must be UTF-8, and its fields may be separated by ',' or, as Excel saves "CSV" in Finnish and
// many other European locales, by ';'.
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

}  // namespace tuki::app
