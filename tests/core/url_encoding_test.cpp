#include "tuki/core/text/url_encoding.hpp"

#include <catch2/catch.hpp>

using namespace tuki::core;

TEST_CASE("form decoding follows x-www-form-urlencoded", "[core][url]") {
  auto f = parse_form("from=%2B37060000001&to=1234&text=B%2C+I+think+it+is+4&empty=&flag");
  REQUIRE(f);
  CHECK(form_value(*f, "from") == "+37060000001");
  CHECK(form_value(*f, "text") == "B, I think it is 4");
  CHECK(form_value(*f, "empty") == "");
  CHECK(form_value(*f, "flag") == "");
  CHECK_FALSE(form_value(*f, "missing"));
  CHECK_FALSE(parse_form("text=%E"));
  CHECK_FALSE(parse_form("text=%ZZ"));
}

TEST_CASE("encoding round-trips UTF-8 and reserved characters", "[core][url]") {
  const std::string text = "Hyvää päivää & ąčęėįšųūž + 50% 👍";
  auto enc = url_encode(text);
  CHECK(enc.find(' ') == std::string::npos);
  CHECK(enc.find('&') == std::string::npos);
  CHECK(url_decode(enc) == text);
  auto f = parse_form(encode_form({{"text", text}, {"to", "+358401234567"}}));
  REQUIRE(f);
  CHECK(form_value(*f, "text") == text);
  CHECK(form_value(*f, "to") == "+358401234567");
}
