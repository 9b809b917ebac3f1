#include "tuki/core/text/escaped_text.hpp"

#include <catch2/catch.hpp>

using tuki::core::needs_escaping;
using tuki::core::quoted_excerpt;

namespace {

std::string escaped(std::string_view text) {
  std::string out;
  tuki::core::append_escaped(out, text);
  return out;
}

}  // namespace

TEST_CASE("append_escaped writes every control byte visibly and keeps UTF-8", "[text][escape]") {
  CHECK(escaped("Hyvää päivää 👍") == "Hyvää päivää 👍");
  CHECK(escaped("a\nb\rc\td") == "a\\nb\\rc\\td");
  CHECK(escaped("\x1b[2J") == "\\x1b[2J");
  CHECK(escaped(std::string("\0\x01\x1f\x7f", 4)) == "\\x00\\x01\\x1f\\x7f");
  CHECK(escaped("say \"hi\" \\o/") == "say \\\"hi\\\" \\\\o/");
  for (int c = 0; c < 0x20; ++c) {
    INFO(c);
    const std::string one(1, static_cast<char>(c));
    CHECK(needs_escaping(one));
    CHECK(escaped(one).front() == '\\');
  }
  CHECK(needs_escaping("\x7f"));
  CHECK(needs_escaping("\\"));
  CHECK_FALSE(needs_escaping("RS256 päivää =x"));
}

TEST_CASE("quoted_excerpt bounds what a client's value adds to a reason", "[text][escape]") {
  CHECK(quoted_excerpt("RS256") == "'RS256'");
  CHECK(quoted_excerpt("") == "''");
  CHECK(quoted_excerpt(std::string(40, 'x'), 8) == "'xxxxxxxx...'");
  CHECK(quoted_excerpt("a\r\nb", 8) == "'a\\r\\nb'");
  // Cut before a UTF-8 character that does not fit whole (ä is two bytes).
  CHECK(quoted_excerpt("abcä", 4) == "'abc...'");
  CHECK(quoted_excerpt("abcä", 5) == "'abcä'");
}
