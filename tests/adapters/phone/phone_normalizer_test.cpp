#include "tuki/adapters/phone/phone_normalizer.hpp"

#include <catch2/catch.hpp>

using tuki::adapters::is_phone_region;
using tuki::adapters::normalize_phone;

TEST_CASE("phone numbers are normalised to E.164 in the institution's country", "[phone]") {
  CHECK(normalize_phone("0401234567", "FI").value() == "+358401234567");
  CHECK(normalize_phone("040 123 4567", "FI").value() == "+358401234567");
  CHECK(normalize_phone("+358 40 123 4567", "FI").value() == "+358401234567");
  CHECK(normalize_phone("00358401234567", "FI").value() == "+358401234567");
  CHECK(normalize_phone("+37060000001", "FI").value() == "+37060000001");   // Lithuanian mobile
  CHECK(normalize_phone("860000001", "LT").value() == "+37060000001");
  CHECK(normalize_phone("5123 4567", "EE").value() == "+37251234567");
  CHECK(normalize_phone("21234567", "LV").value() == "+37121234567");
}

TEST_CASE("invalid phone numbers are errors that say why", "[phone]") {
  auto r = normalize_phone("12", "FI");
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error().message(), Catch::Contains("not a valid number for FI"));
  auto r2 = normalize_phone("hello", "FI");
  REQUIRE_FALSE(r2);
  CHECK_THAT(r2.error().message(), Catch::Contains("not a phone number"));
  CHECK_FALSE(normalize_phone("", "FI"));
}

TEST_CASE("regions libphonenumber knows", "[phone]") {
  for (const char* r : {"FI", "SE", "EE", "LV", "LT", "US"}) CHECK(is_phone_region(r));
  for (const char* r : {"XX", "fi", "", "FIN", "ZZ"}) CHECK_FALSE(is_phone_region(r));
}
