#include "tuki/core/text/charset_decoding.hpp"

#include <string>

#include <catch2/catch.hpp>

using tuki::core::utf16be_to_utf8;
using tuki::core::windows1252_to_utf8;

namespace {

struct row {
  std::string in, out, why;
};

}  // namespace

TEST_CASE("utf16be_to_utf8 decodes pairs and replaces what is not UTF-16 in place",
          "[text][charset]") {
  using namespace std::string_literals;
  const row rows[] = {
      {"", "", "empty"},
      {"\x00\x41"s, "A", "ASCII"},
      {"\x00\xE4\x01\x0D\x20\xAC"s, "äč€", "two- and three-byte UTF-8"},
      {"\xD8\x3D\xDC\x4D"s, "👍", "a surrogate pair"},
      {"\xDB\xFF\xDF\xFF"s, "\U0010FFFF", "the last code point"},
      {"\xD8\x3D\x00\x41"s, "\uFFFDA", "a high surrogate before a letter keeps the letter"},
      {"\xD8\x3D\xD8\x3D\xDC\x4D"s, "\uFFFD👍", "a high surrogate before a pair keeps the pair"},
      {"\xD8\x3D"s, "\uFFFD", "a high surrogate at the end"},
      {"\xDC\x4D\x00\x41"s, "\uFFFDA", "a lone low surrogate"},
      {"\x00\x41\x00"s, "A\uFFFD", "an odd final byte"},
      {"\xD8\x3D\xDC"s, "\uFFFD\uFFFD", "a high surrogate, then half of its low one"},
      {"\x00"s, "\uFFFD", "one byte"},
  };
  for (const auto& r : rows) {
    INFO(r.why);
    CHECK(utf16be_to_utf8(r.in) == r.out);
  }
}

TEST_CASE("windows1252_to_utf8 uses Microsoft's table for 0x80-0x9F", "[text][charset]") {
  // CP1252.TXT, 0x80 to 0x9F; "?" marks the five undefined positions (U+FFFD).
  const char* high[32] = {"€", "?", "‚", "ƒ", "„", "…", "†", "‡", "ˆ", "‰", "Š",
                          "‹", "Œ", "?", "Ž", "?", "?", "‘", "’", "“", "”", "•",
                          "–", "—", "˜", "™", "š", "›", "œ", "?", "ž", "Ÿ"};
  for (int b = 0x80; b <= 0x9F; ++b) {
    INFO("byte 0x" << std::hex << b);
    const std::string want = std::string(high[b - 0x80]) == "?" ? "\uFFFD" : high[b - 0x80];
    CHECK(windows1252_to_utf8(std::string(1, static_cast<char>(b))) == want);
  }
  const row rows[] = {
      {"", "", "empty"},
      {"Hinta 5 \x80", "Hinta 5 €", "the euro sign"},
      {"\x8A\x9A\x8E\x9E", "ŠšŽž", "Estonian and Latvian carons"},
      {"\x93Moi\x94 \x96 ok\x85", "“Moi” – ok…", "quotes, dash, ellipsis"},
      {"Olen v\xE4synyt \xC5\xD6\xFF", "Olen väsynyt ÅÖÿ", "0xA0-0xFF as Latin-1"},
      {"\xA0", "\u00A0", "no-break space"},
      {"a\x81"
       "b",
       "a\uFFFDb", "an undefined byte in place"},
  };
  for (const auto& r : rows) {
    INFO(r.why);
    CHECK(windows1252_to_utf8(r.in) == r.out);
  }
}
