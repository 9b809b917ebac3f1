#include "tuki/core/text/utf8_repair.hpp"

#include "tuki/core/text/utf8_validity.hpp"

namespace tuki::core {

std::string repair_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  while (!s.empty()) {
    const std::size_t valid = valid_utf8_prefix(s);
    out.append(s.data(), valid);
    if (valid == s.size()) break;
    out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER for the byte that is not valid
    s.remove_prefix(valid + 1);
  }
  return out;
}

std::string latin1_to_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (unsigned char c : s) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

}  // namespace tuki::core
