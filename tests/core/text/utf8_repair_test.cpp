#include "tuki/core/text/utf8_repair.hpp"

#include <catch2/catch.hpp>

using tuki::core::latin1_to_utf8;
using tuki::core::repair_utf8;

TEST_CASE("repair_utf8 keeps valid text and replaces each invalid sequence", "[text][utf8]") {
  CHECK(repair_utf8("") == "");
  CHECK(repair_utf8("Hyvää päivää, ąčęėįšųūž 👍") == "Hyvää päivää, ąčęėįšųūž 👍");
  CHECK(repair_utf8("\xFF\xFE" "abc") == "\uFFFD\uFFFD" "abc");  // stray bytes
  CHECK(repair_utf8("v\xE4synyt") == "v\uFFFDsynyt");              // Latin-1 ä taken for UTF-8
  CHECK(repair_utf8("\xC3\x28") == "\uFFFD(");                      // a broken two-byte sequence
  CHECK(repair_utf8("ok\xE2\x82") == "ok\uFFFD\uFFFD");             // truncated at the end
  CHECK(repair_utf8("\xED\xA0\xBD") == "\uFFFD\uFFFD\uFFFD");       // an encoded surrogate
  CHECK(repair_utf8("\xC0\xAF") == "\uFFFD\uFFFD");                 // an overlong '/'
  const std::string once = repair_utf8("a\xFF" "b");
  CHECK(repair_utf8(once) == once);
}

TEST_CASE("latin1_to_utf8 maps each byte to the code point of its value", "[text][utf8]") {
  CHECK(latin1_to_utf8("Olen v\xE4synyt") == "Olen väsynyt");
  CHECK(latin1_to_utf8("\xC5\xD6\xE9\xFF") == "ÅÖéÿ");
  CHECK(latin1_to_utf8("plain") == "plain");
}
