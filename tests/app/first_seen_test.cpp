// The import's table of first occurrences: exact (equal hashes are told apart by the keys
// themselves), and the same with or without room reserved up front.
#include "tuki/app/first_seen.hpp"

#include <string>

#include <catch2/catch.hpp>

using tuki::app::first_seen;

namespace {

std::string key(int i) { return "+3584" + std::to_string(10000000 + i); }

}  // namespace

TEST_CASE("first_seen answers the first line of every repeated key", "[import]") {
  const bool reserved = GENERATE(false, true);
  first_seen table;
  if (reserved) table.reserve(1000);  // the table still grows past a reservation
  const int n = 100000;
  for (int i = 0; i < n; ++i) REQUIRE_FALSE(table.add(key(i), static_cast<std::size_t>(i + 2)));
  CHECK(table.size() == n);
  for (int i = 0; i < n; i += 997) {
    auto first = table.add(key(i), 999999);
    REQUIRE(first);
    CHECK(*first == static_cast<std::size_t>(i + 2));
  }
  CHECK(table.size() == n);  // repeats are not added again
  CHECK_FALSE(table.add(key(n), 5));
  CHECK_FALSE(table.add("", 6));  // an empty key is a key like any other
  CHECK(table.add("", 7) == std::optional<std::size_t>(6));
}

TEST_CASE("first_seen tells keys with equal hashes apart", "[import]") {
  first_seen table([](std::string_view) -> std::uint64_t { return 42; });  // every key collides
  for (int i = 0; i < 500; ++i) REQUIRE_FALSE(table.add("s" + std::to_string(i), static_cast<std::size_t>(i)));
  CHECK(table.add("s250", 1) == std::optional<std::size_t>(250));
  CHECK(table.add("s0", 1) == std::optional<std::size_t>(0));
  CHECK_FALSE(table.add("s500", 1));
  CHECK(table.add("s25", 1) == std::optional<std::size_t>(25));
}
