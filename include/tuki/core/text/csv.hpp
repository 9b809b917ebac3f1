#pragma once
// RFC 4180 CSV reading: quoted fields may hold commas, quotes ("") and newlines. A UTF-8 BOM at
// the start is skipped. Rows carry the line they start on, for row-numbered errors. The delimiter
// is ',' unless the caller names another (Excel in many European locales saves "CSV" with ';').
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "tuki/core/status.hpp"

namespace tuki::core {

struct csv_row {
  std::size_t line = 0;  // 1-based line where the row starts
  std::vector<std::string> fields;
};

/// ';' when the first line (the header) has a ';' and no ',' outside quotes; else ','.
char guess_csv_delimiter(std::string_view text);

/// Reads rows one at a time from text held elsewhere (no copy of the whole input).
class csv_reader {
 public:
  explicit csv_reader(std::string_view text, char delimiter = ',');
  /// Fills `row` and returns true, or returns false at the end. A malformed row (an unterminated
  /// quote, text after a closing quote) sets error() and returns false.
  bool next(csv_row& row);
  const status& error() const { return error_; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  char delimiter_;
  status error_;
};

}  // namespace tuki::core
