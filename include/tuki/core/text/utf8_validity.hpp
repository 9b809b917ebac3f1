#pragma once
// Where a byte string stops being valid UTF-8 (strict: no overlong forms, surrogates or code
// points above U+10FFFF, as utf8proc and nlohmann::json require).
#include <cstddef>
#include <optional>
#include <string_view>

namespace tuki::core {

/// The length in bytes of the longest valid UTF-8 prefix of `s`; s.size() when all of it is valid.
/// ASCII runs are checked 8 bytes at a time (a million-row CSV file is checked whole).
std::size_t valid_utf8_prefix(std::string_view s);

/// The first invalid byte of a text and where it is, for messages that point at it.
struct utf8_fault {
  std::size_t offset = 0;  // bytes from the start of the text
  std::size_t line = 1;    // 1-based; a line ends at "\n", "\r\n" or a lone "\r" (as csv_reader counts)
  std::size_t column = 1;  // 1-based, in code points
  unsigned char byte = 0;
};

/// nullopt when all of `s` is valid UTF-8.
std::optional<utf8_fault> find_utf8_fault(std::string_view s);

/// The number of code points in valid UTF-8 `s` (the bytes that do not continue a sequence).
std::size_t utf8_code_points(std::string_view s);

}  // namespace tuki::core
