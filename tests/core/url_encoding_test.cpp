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

TEST_CASE("only RFC 3986 unreserved characters stay as they are", "[core][url]") {
  const std::string unreserved =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
  for (int c = 0; c < 256; ++c) {
    const std::string one(1, static_cast<char>(c));
    CAPTURE(c);
    if (unreserved.find(static_cast<char>(c)) != std::string::npos) {
      CHECK(url_encode(one) == one);
    } else {
      static const char hex[] = "0123456789ABCDEF";
      CHECK(url_encode(one) == std::string{'%', hex[c >> 4], hex[c & 15]});
    }
  }
  CHECK(url_encode("") == "");
  CHECK(encode_form({}) == "");
  CHECK(encode_form({{"a b", "c&d"}, {"", ""}, {"e", "ä"}}) == "a%20b=c%26d&=&e=%C3%A4");
}
