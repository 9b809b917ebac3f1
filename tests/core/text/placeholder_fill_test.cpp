#include "tuki/core/text/placeholder_fill.hpp"

#include <catch2/catch.hpp>

using tuki::core::fill_placeholders;

TEST_CASE("placeholders: every named one is filled, in one pass", "[text]") {
  CHECK(fill_placeholders("Ticket {id} stays with {people}.", {{"id", "17"}, {"people", "a@x"}}) ==
        "Ticket 17 stays with a@x.");
  CHECK(fill_placeholders("{id}{id}", {{"id", "1"}}) == "11");
  // A value is not scanned again: "{id}" inside a value stays as written.
  CHECK(fill_placeholders("{people} / {id}", {{"id", "17"}, {"people", "{id}@x"}}) ==
        "{id}@x / 17");
  // Unknown placeholders and stray braces stay as written.
  CHECK(fill_placeholders("{x} {id} { {", {{"id", "17"}}) == "{x} 17 { {");
  CHECK(fill_placeholders("a}{b{id}", {{"id", "1"}}) == "a}{b1");
  CHECK(fill_placeholders("", {{"id", "1"}}).empty());
}
