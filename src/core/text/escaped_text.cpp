#include "tuki/core/text/escaped_text.hpp"

namespace tuki::core {
namespace {

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7f; }

}  // namespace

bool needs_escaping(std::string_view text) {
  for (unsigned char c : text)
    if (is_control(c) || c == '\\' || c == '"') return true;
  return false;
}

void append_escaped(std::string& out, std::string_view text) {
  constexpr char hex[] = "0123456789abcdef";
  for (unsigned char c : text) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (is_control(c)) {
          out += "\\x";
          out.push_back(hex[c >> 4]);
          out.push_back(hex[c & 0xf]);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
}

std::string quoted_excerpt(std::string_view text, std::size_t max_bytes) {
  std::size_t keep = text.size();
  if (keep > max_bytes) {
    keep = max_bytes;
    // Not inside a UTF-8 sequence: back up over continuation bytes (10xxxxxx).
    while (keep > 0 && (static_cast<unsigned char>(text[keep]) & 0xc0) == 0x80) --keep;
  }
  std::string out = "'";
  append_escaped(out, text.substr(0, keep));
  if (keep < text.size()) out += "...";
  out += "'";
  return out;
}

}  // namespace tuki::core
