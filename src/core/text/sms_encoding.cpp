#include "tuki/core/text/sms_encoding.hpp"

#include <algorithm>
#include <array>

namespace tuki::core {
namespace {

// Code points of the GSM 03.38 basic table other than printable ASCII letters and digits.
constexpr std::array<char32_t, 58> basic_extra{
    U'@', U'£', U'$', U'¥', U'è', U'é', U'ù', U'ì', U'ò', U'Ç', U'\n', U'Ø', U'ø', U'\r', U'Å', U'å',
    U'Δ', U'_', U'Φ', U'Γ', U'Λ', U'Ω', U'Π', U'Ψ', U'Σ', U'Θ', U'Ξ', U'Æ', U'æ', U'ß', U'É', U' ',
    U'!', U'"', U'#', U'¤', U'%', U'&', U'\'', U'(', U')', U'*', U'+', U',', U'-', U'.', U'/', U':',
    U';', U'<', U'=', U'>', U'?', U'¡', U'Ä', U'Ö', U'Ñ', U'Ü'};
constexpr std::array<char32_t, 7> basic_more{U'§', U'¿', U'ä', U'ö', U'ñ', U'ü', U'à'};
// Form feed is ESC 0x0A: the basic table's 0x0A is line feed.
constexpr std::array<char32_t, 10> extension{U'^', U'{', U'}', U'\\', U'[',
                                             U'~', U']', U'|', U'€',  U'\f'};

template <std::size_t N>
constexpr bool in(const std::array<char32_t, N>& table, char32_t c) {
  return std::find(table.begin(), table.end(), c) != table.end();
}

// Septets of each ASCII character (0: not in GSM 03.38), from the tables above: most texts are
// ASCII, and a lookup per character is what keeps measuring them cheap.
constexpr std::array<unsigned char, 128> ascii_septets = [] {
  std::array<unsigned char, 128> t{};
  for (char32_t c = 0; c < 128; ++c) {
    bool alnum = (c >= U'A' && c <= U'Z') || (c >= U'a' && c <= U'z') || (c >= U'0' && c <= U'9');
    t[c] = alnum || in(basic_extra, c) || in(basic_more, c) ? 1 : in(extension, c) ? 2 : 0;
  }
  return t;
}();

// Decodes one UTF-8 code point; returns false on malformed input.
bool next_code_point(std::string_view s, std::size_t& i, char32_t& out) {
  auto b = static_cast<unsigned char>(s[i]);
  int len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
  if (len == 0 || i + len > s.size()) return false;
  char32_t c = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
  for (int k = 1; k < len; ++k) {
    auto cb = static_cast<unsigned char>(s[i + k]);
    if ((cb >> 6) != 2) return false;
    c = (c << 6) | (cb & 0x3F);
  }
  i += len;
  out = c;
  return true;
}

// The parts of a concatenated SMS, filled in order: a character that does not fit into what is
// left of a part starts the next one, since an escape sequence (GSM-7) or a surrogate pair
// (UCS-2) is never split between parts.
struct part_count {
  std::size_t capacity;
  std::size_t fill = 0;
  std::size_t parts = 1;
  void add(std::size_t width) {
    if (fill + width > capacity) {
      ++parts;
      fill = 0;
    }
    fill += width;
  }
};

}  // namespace

sms_cost measure_sms(std::string_view text) {
  std::size_t septets = 0, utf16 = 0;
  part_count gsm_parts{153}, ucs2_parts{67};
  bool gsm = true, valid = true;
  for (std::size_t i = 0; i < text.size();) {
    if (auto b = static_cast<unsigned char>(text[i]); b < 0x80) {
      ++i;
      ++utf16;
      ucs2_parts.add(1);
      if (ascii_septets[b] == 0) gsm = false;
      septets += ascii_septets[b];
      gsm_parts.add(ascii_septets[b]);
      continue;
    }
    char32_t c;
    if (!next_code_point(text, i, c)) {
      valid = false;
      ++i;
      ++utf16;
      ucs2_parts.add(1);
      continue;
    }
    const std::size_t units = c > 0xFFFF ? 2 : 1;
    utf16 += units;
    ucs2_parts.add(units);
    bool alnum = (c >= U'A' && c <= U'Z') || (c >= U'a' && c <= U'z') || (c >= U'0' && c <= U'9');
    const std::size_t width = alnum || in(basic_extra, c) || in(basic_more, c) ? 1
                              : in(extension, c)                               ? 2
                                                                               : 0;
    if (width == 0) gsm = false;
    septets += width;
    gsm_parts.add(width);
  }
  sms_cost cost;
  if (gsm && valid) {
    cost.coding = sms_coding::gsm7;
    cost.units = septets;
    cost.segments = septets == 0 ? 0 : septets <= 160 ? 1 : gsm_parts.parts;
  } else {
    cost.coding = sms_coding::ucs2;
    cost.units = utf16;
    cost.segments = utf16 == 0 ? 0 : utf16 <= 70 ? 1 : ucs2_parts.parts;
  }
  return cost;
}

}  // namespace tuki::core
