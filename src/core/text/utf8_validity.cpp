#include "tuki/core/text/utf8_validity.hpp"

#include <cstdint>
#include <cstring>

#include <utf8proc.h>

namespace tuki::core {

std::size_t valid_utf8_prefix(std::string_view s) {
  auto p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  const std::size_t size = s.size();
  std::size_t i = 0;
  while (i < size) {
    for (std::uint64_t word; i + 8 <= size; i += 8) {
      std::memcpy(&word, p + i, 8);
      if (word & 0x8080808080808080ULL) break;
    }
    if (i < size && p[i] < 0x80) {
      ++i;
      continue;
    }
    if (i == size) break;
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t n = utf8proc_iterate(p + i, static_cast<utf8proc_ssize_t>(size - i), &cp);
    if (n <= 0) break;
    i += static_cast<std::size_t>(n);
  }
  return i;
}

std::optional<utf8_fault> find_utf8_fault(std::string_view s) {
  const std::size_t at = valid_utf8_prefix(s);
  if (at == s.size()) return std::nullopt;
  utf8_fault f;
  f.offset = at;
  f.byte = static_cast<unsigned char>(s[at]);
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < at; ++i) {
    if (s[i] == '\n' || (s[i] == '\r' && (i + 1 >= s.size() || s[i + 1] != '\n'))) {
      ++f.line;
      line_start = i + 1;
    }
  }
  f.column = utf8_code_points(s.substr(line_start, at - line_start)) + 1;
  return f;
}

std::size_t utf8_code_points(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

}  // namespace tuki::core
