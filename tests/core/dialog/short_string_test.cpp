#include "tuki/core/dialog/short_string.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <utility>

using namespace tuki::dialog;

TEST_CASE("short_string keeps short and long texts, and compares as its text",
          "[dialog][short_string]") {
  // 22 bytes fit inline, 23 go to the heap: both sides of the boundary, and empty.
  for (std::string text : {std::string(), std::string("q1"), std::string(22, 'a'),
                           std::string(23, 'b'), std::string(200, 'c'), std::string("hyvää")}) {
    CAPTURE(text);
    short_string s(text);
    CHECK(s.view() == text);
    CHECK(s.size() == text.size());
    CHECK(s.empty() == text.empty());
    short_string copy = s;
    CHECK(copy == s);
    CHECK(copy.view() == text);
    short_string moved = std::move(copy);
    CHECK(moved.view() == text);
    CHECK(copy.empty());  // NOLINT: a moved-from short_string is empty
    short_string assigned("x");
    assigned = s;
    CHECK(assigned.view() == text);
    assigned = short_string("y");
    CHECK(assigned.view() == "y");
    assigned = std::move(moved);
    CHECK(assigned.view() == text);
  }
}

TEST_CASE("short_string orders as std::string does", "[dialog][short_string]") {
  short_string a("need"), b("needs_support"), c(std::string(30, 'z'));
  CHECK(a < b);
  CHECK(b < c);
  CHECK(a == std::string("need"));
  CHECK(std::string("need") == a);
  CHECK(a != std::string("needs"));
  CHECK(a < std::string("needs"));
  CHECK(std::string("ne") < a);
  CHECK(a == "need");
}

TEST_CASE("short_string is a JSON string", "[dialog][short_string]") {
  nlohmann::json j = short_string(std::string(40, 'k'));
  CHECK(j == nlohmann::json(std::string(40, 'k')));
  CHECK(j.get<short_string>() == std::string(40, 'k'));
  CHECK_THROWS_AS(nlohmann::json(3).get<short_string>(), nlohmann::json::exception);
}
