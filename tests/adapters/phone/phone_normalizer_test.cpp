#include "tuki/adapters/phone/phone_normalizer.hpp"

#include <catch2/catch.hpp>
#include <tuple>
#include <utility>

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

TEST_CASE("a student's number must be one a text message can reach", "[phone]") {
  using tuki::adapters::normalize_mobile_phone;
  // Mobiles, in every pilot country, as normalize_phone gives them.
  for (auto [raw, region] : {std::pair{"040 123 4567", "FI"},
                             {"+46 70 123 45 67", "SE"},
                             {"5123 4567", "EE"},
                             {"21234567", "LV"},
                             {"860000001", "LT"}}) {
    CAPTURE(raw, region);
    auto r = normalize_mobile_phone(raw, region);
    REQUIRE(r);
    CHECK(*r == normalize_phone(raw, region).value());
  }
  // Where landline and mobile share a range (the US), the number is given the benefit of the doubt.
  CHECK(normalize_mobile_phone("+1 650 253 0000", "FI"));

  // Valid numbers that no text reaches: normalize_phone takes them, a student's number may not.
  for (auto [raw, region, kind] :
       {std::tuple{"09 1234 5678", "FI", "a landline number"},  // Helsinki
        {"+46 8 123 456 78", "FI", "a landline number"},        // Stockholm
        {"0800 12345", "FI", "a toll-free number"},
        {"0700 123456", "FI", "a premium-rate number"}}) {
    CAPTURE(raw, region);
    REQUIRE(normalize_phone(raw, region));
    auto r = normalize_mobile_phone(raw, region);
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().message(), Catch::Contains(std::string("is ") + kind) &&
                                        Catch::Contains("text messages cannot reach it"));
  }
  // Invalid numbers get the same errors as from normalize_phone.
  CHECK(normalize_mobile_phone("12", "FI").error().message() ==
        normalize_phone("12", "FI").error().message());
  CHECK(normalize_mobile_phone("hello", "FI").error().message() ==
        normalize_phone("hello", "FI").error().message());
}
