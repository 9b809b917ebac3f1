#include "tuki/core/routing/mime_encoding.hpp"

#include <chrono>
#include <cstdio>

#include "tuki/core/crypto/hmac.hpp"

namespace tuki::routing {
namespace {

constexpr char hex_digits[] = "0123456789ABCDEF";
constexpr std::size_t qp_max_line = 76;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::string quoted_printable_encode(std::string_view text) {
  std::string out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    const bool last = end == std::string_view::npos;
    if (last) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::size_t col = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
      const auto c = static_cast<unsigned char>(line[i]);
      const bool at_end = i + 1 == line.size();
      std::string piece;
      if ((c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !at_end)) {
        piece.push_back(static_cast<char>(c));
      } else {
        piece = {'=', hex_digits[c >> 4], hex_digits[c & 15]};
      }
      // Keep room for the soft-break '=' unless this is the line's last piece.
      const std::size_t limit = at_end ? qp_max_line : qp_max_line - 1;
      if (col + piece.size() > limit) {
        out += "=\r\n";
        col = 0;
      }
      out += piece;
      col += piece.size();
    }
    if (last) break;
    out += "\r\n";
    start = end + 1;
  }
  return out;
}

std::string quoted_printable_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '=' && i + 1 < text.size() && (text[i + 1] == '\r' || text[i + 1] == '\n')) {
      i += text[i + 1] == '\r' && i + 2 < text.size() && text[i + 2] == '\n' ? 2 : 1;
    } else if (c == '=' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
               hex_value(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
      i += 2;
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      continue;  // the LF follows
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string encode_header_text(std::string_view text) {
  bool plain = true;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 32 || c > 126) plain = false;
  }
  // "=?" in plain text would be read as an encoded word; encode such text too.
  if (plain && text.find("=?") == std::string_view::npos) return std::string(text);
  // 75 - len("=?UTF-8?B?" "?=") = 63 base64 characters -> at most 45 bytes per word.
  constexpr std::size_t max_bytes = 45;
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t n = std::min(max_bytes, text.size() - i);
    // Do not end inside a UTF-8 sequence: back off over continuation bytes.
    while (n > 0 && i + n < text.size() &&
           (static_cast<unsigned char>(text[i + n]) & 0xC0) == 0x80) {
      --n;
    }
    if (n == 0) n = std::min(max_bytes, text.size() - i);  // invalid UTF-8: split anyway
    // Control characters (CR, LF) must never reach a header; replace them with spaces.
    std::string chunk(text.substr(i, n));
    for (char& c : chunk) {
      if (c == '\r' || c == '\n') c = ' ';
    }
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + core::base64_encode(chunk) + "?=";
    i += n;
  }
  return out;
}

std::string rfc5322_date(core::instant t) {
  using namespace std::chrono;
  static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto day = floor<std::chrono::days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss<seconds> hms{floor<seconds>(t - day)};
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d +0000",
                days[weekday{day}.c_encoding()], static_cast<unsigned>(ymd.day()),
                months[static_cast<unsigned>(ymd.month()) - 1], static_cast<int>(ymd.year()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

}  // namespace tuki::routing
