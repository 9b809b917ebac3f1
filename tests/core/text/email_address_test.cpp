#include "tuki/core/text/email_address.hpp"

#include <string>

#include <catch2/catch.hpp>

using tuki::core::is_email_address;

TEST_CASE("email addresses tuki can mail", "[text][email]") {
  CHECK(is_email_address("kuraattori@varia.test"));
  CHECK(is_email_address("Olli.Opo+tuki@varia.fi"));
  CHECK(is_email_address("a@b"));
  CHECK(is_email_address("first.last+tag@sub.school.fi"));
  CHECK(is_email_address("o'brien@school.ie"));
  CHECK(is_email_address(std::string(64, 'a') + "@" + std::string(189, 'b')));  // 254

  CHECK_FALSE(is_email_address(""));
  CHECK_FALSE(is_email_address("not-an-email"));
  CHECK_FALSE(is_email_address("@varia.test"));
  CHECK_FALSE(is_email_address("kuraattori@"));
  CHECK_FALSE(is_email_address("a@b@varia.test"));
  CHECK_FALSE(is_email_address("kaisa kuraattori@varia.test"));
  CHECK_FALSE(is_email_address("kuraattori@varia.test\r\nBcc: x@y.z"));
  CHECK_FALSE(is_email_address("a@b.test, c@d.test"));
  CHECK_FALSE(is_email_address("Kaisa <kuraattori@varia.test>"));
  CHECK_FALSE(is_email_address("\"a b\"@varia.test"));
  CHECK_FALSE(is_email_address("kuraattori@väriä.test"));  // IDN: give it in punycode
  CHECK_FALSE(is_email_address(std::string(64, 'a') + "@" + std::string(190, 'b')));  // 255
}
