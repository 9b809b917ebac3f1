#include "tuki/core/text/nearest_word.hpp"

#include <catch2/catch.hpp>

using tuki::core::nearest_word;

TEST_CASE("the nearest allowed word within two edits, else the one it begins", "[text]") {
  const std::vector<std::string> keys{"port", "listen", "remind_after", "escalate_after",
                                      "crisis_escalate_after"};
  CHECK(nearest_word("prot", keys) == "port");
  CHECK(nearest_word("lsiten", keys) == "listen");
  CHECK(nearest_word("colour", keys).empty());
  CHECK(nearest_word("remind", keys) == "remind_after");
  CHECK(nearest_word("escalate", keys) == "escalate_after");  // not crisis_escalate_after
  CHECK(nearest_word("rem", keys).empty());                   // too short to guess from
  CHECK(nearest_word("remind", {"remind_after", "remind_before"}).empty());  // which one?
}
