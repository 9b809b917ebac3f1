#include "tuki/core/routing/mime_encoding.hpp"

#include <algorithm>
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

std::optional<std::string> fold_header_text(std::string_view text, std::size_t column) {
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 32 || c > 126) return std::nullopt;
  }
  // Folds go before a single space between two words, so every continuation line is one space
  // and then text (no line of only whitespace), and unfolding restores the spaces.
  const auto fold_point = [&](std::size_t j) {
    return text[j] == ' ' && text[j - 1] != ' ' && j + 1 < text.size() && text[j + 1] != ' ';
  };
  std::string out;
  std::size_t line = column;  // characters on the current line
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t j = i + 1;
    while (j < text.size() && !fold_point(j)) ++j;
    const std::string_view piece = text.substr(i, j - i);  // after the first: " word"
    if (line + piece.size() > header_line_max) {
      if (i == 0 || piece.size() > header_line_max) return std::nullopt;
      out += "\r\n";
      line = 0;
    }
    out += piece;
    line += piece.size();
    i = j;
  }
  return out;
}

std::string encode_header_words(std::string_view text, std::size_t column) {
  constexpr std::string_view open = "=?UTF-8?B?", close = "?=";
  constexpr std::size_t word_max = 75;
  // The most bytes whose base64 word fits on a line that already holds `line` characters.
  const auto room = [&](std::size_t line) -> std::size_t {
    const std::size_t free = encoded_word_line_max - std::min(line, encoded_word_line_max);
    const std::size_t chars = std::min(word_max, free);
    return chars < open.size() + close.size() ? 0 : (chars - open.size() - close.size()) / 4 * 3;
  };
  // As many of those bytes from `i` as end on a UTF-8 character boundary.
  const auto whole_characters = [&](std::size_t i, std::size_t line) {
    std::size_t n = std::min(room(line), text.size() - i);
    while (n > 0 && i + n < text.size() &&
           (static_cast<unsigned char>(text[i + n]) & 0xC0) == 0x80) {
      --n;
    }
    return n;
  };
  std::string out;
  std::size_t line = column;  // characters on the current line
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t n = whole_characters(i, line);
    // Adjacent words need whitespace between them: each further word starts a line, and so does
    // the first when `column` leaves no room for its first character.
    if (i > 0 || (n == 0 && line > 1)) {
      out += "\r\n ";
      line = 1;
      n = whole_characters(i, line);
    }
    if (n == 0) n = std::min(room(line), text.size() - i);  // invalid UTF-8: split anyway
    // Control characters (CR, LF) must never reach a header; replace them with spaces.
    std::string chunk(text.substr(i, n));
    for (char& c : chunk) {
      if (c == '\r' || c == '\n') c = ' ';
    }
    const std::string word = std::string(open) + core::base64_encode(chunk) + std::string(close);
    out += word;
    line += word.size();
    i += n;
  }
  return out;
}

std::string encode_header_text(std::string_view text, std::size_t column) {
  if (text.find("=?") == std::string_view::npos) {
    if (auto folded = fold_header_text(text, column)) return *std::move(folded);
  }
  return encode_header_words(text, column);
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
