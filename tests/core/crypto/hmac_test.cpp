#include "tuki/core/crypto/hmac.hpp"

#include <catch2/catch.hpp>

using namespace tuki::core;

TEST_CASE("HMAC digests match RFC 2202 / RFC 4231 vectors", "[core][crypto]") {
  // RFC 2202 test case 2 and RFC 4231 test case 2 (key "Jefe").
  CHECK(hex_encode(hmac_sha1("Jefe", "what do ya want for nothing?")) ==
        "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
  CHECK(hex_encode(hmac_sha256("Jefe", "what do ya want for nothing?")) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  CHECK(hex_encode(sha256("abc")) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("base64 and base64url round-trip every tail length", "[core][crypto]") {
  CHECK(base64_encode("foobar") == "Zm9vYmFy");
  CHECK(base64_encode("fooba") == "Zm9vYmE=");
  CHECK(base64_encode("foob") == "Zm9vYg==");
  CHECK(base64url_encode("\xfb\xff") == "-_8");
  for (std::string s : {"", "a", "ab", "abc", "abcd", "\xff\xfe\x00\x01"}) {
    std::string back;
    REQUIRE(base64_decode(base64_encode(s), back));
    CHECK(back == s);
    REQUIRE(base64_decode(base64url_encode(s), back));
    CHECK(back == s);
  }
  std::string out;
  CHECK_FALSE(base64_decode("a", out));
  CHECK_FALSE(base64_decode("ab!d", out));
}

TEST_CASE("constant_time_equal compares content and length", "[core][crypto]") {
  CHECK(constant_time_equal("abc", "abc"));
  CHECK_FALSE(constant_time_equal("abc", "abd"));
  CHECK_FALSE(constant_time_equal("abc", "abcd"));
}
