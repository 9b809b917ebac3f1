#include "tuki/core/text/utf8_validity.hpp"

#include <utf8proc.h>

namespace tuki::core {

std::size_t valid_utf8_prefix(std::string_view s) {
  auto p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(s.size());
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0) break;
    p += n;
    left -= n;
  }
  return s.size() - static_cast<std::size_t>(left);
}

}  // namespace tuki::core
