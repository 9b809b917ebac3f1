#include "tuki/core/text/utf8_validity.hpp"

#include <string>

#include <catch2/catch.hpp>

using namespace tuki::core;

TEST_CASE("valid_utf8_prefix stops at the first invalid byte, past long ASCII runs", "[text][utf8]") {
  const std::string ascii(1000, 'a');
  CHECK(valid_utf8_prefix(ascii) == 1000);
  CHECK(valid_utf8_prefix(ascii + "\xE4" + ascii) == 1000);
  CHECK(valid_utf8_prefix(ascii + "ä" + ascii) == 2002);
  CHECK(valid_utf8_prefix("abcdefg\x80") == 7);       // inside the first 8-byte word
  CHECK(valid_utf8_prefix("abcdefgh\xC3") == 8);      // a sequence cut off at the end
  CHECK(valid_utf8_prefix("Mäkinen 👍 \xED\xA0\xBD") == 14);  // an encoded surrogate
}

TEST_CASE("find_utf8_fault names the line and the column in code points", "[text][utf8]") {
  CHECK_FALSE(find_utf8_fault("Mäkinen\nÅsa\n"));
  auto f = find_utf8_fault("id,name\ns1,Åsa\ns2,M\xE4kinen\n");
  REQUIRE(f);
  CHECK(f->line == 3);
  CHECK(f->column == 5);
  CHECK(f->offset == 20);
  CHECK(f->byte == 0xE4);
  // "\r\n" and a lone "\r" end a line, as the CSV reader counts them; "Å" is one column.
  auto g = find_utf8_fault("a\r\nb\rÅÅ\xFF");
  REQUIRE(g);
  CHECK(g->line == 3);
  CHECK(g->column == 3);
}

TEST_CASE("utf8_code_points counts characters, not bytes", "[text][utf8]") {
  CHECK(utf8_code_points("") == 0);
  CHECK(utf8_code_points("Aino") == 4);
  CHECK(utf8_code_points("Äänekoski") == 9);
  CHECK(utf8_code_points("👍👍") == 2);
}
