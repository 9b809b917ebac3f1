#include "tuki/core/text/ascii_case.hpp"

#include <catch2/catch.hpp>

using namespace tuki::core;

TEST_CASE("ascii_lowercase lowers A-Z only", "[text][ascii_case]") {
  CHECK(ascii_lowercase("Retry-After: 5") == "retry-after: 5");
  CHECK(ascii_lowercase("HTTP://LOCALHOST") == "http://localhost");
  // Bytes of UTF-8 text and the characters around A-Z stay as they are.
  CHECK(ascii_lowercase("ÄLÄ @[`{") == "ÄlÄ @[`{");
  CHECK(ascii_lowercase("") == "");
}

TEST_CASE("ascii_iequals ignores the case of A-Z and nothing else", "[text][ascii_case]") {
  CHECK(ascii_iequals("Content-Length", "content-length"));
  CHECK(ascii_iequals("STOP", "stop"));
  CHECK_FALSE(ascii_iequals("stop", "stops"));
  CHECK_FALSE(ascii_iequals("Ä", "ä"));  // two-byte UTF-8: not ASCII
  CHECK_FALSE(ascii_iequals("@", "`"));   // 0x40 and 0x60 differ by the case bit, yet are not letters
  CHECK(ascii_iequals("", ""));
}

TEST_CASE("ascii_istarts_with", "[text][ascii_case]") {
  CHECK(ascii_istarts_with("HTTP://example.test/", "http://"));
  CHECK(ascii_istarts_with("tuki stop", "TUKI"));
  CHECK_FALSE(ascii_istarts_with("htt", "http://"));
  CHECK_FALSE(ascii_istarts_with("https://x", "http://x"));
  CHECK(ascii_istarts_with("anything", ""));
}
