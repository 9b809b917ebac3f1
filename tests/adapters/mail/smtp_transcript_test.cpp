// smtp_transcript: which command an SMTP server refused with which reply, from libcurl's
// protocol lines.
#include "tuki/adapters/mail/smtp_transcript.hpp"

#include <catch2/catch.hpp>

using namespace tuki;
using adapters::smtp_transcript;

TEST_CASE("the transcript pairs each reply with its command, multi-line replies included",
          "[mail]") {
  smtp_transcript t;
  t.received("220 mx.varia.test ESMTP\r\n");
  t.sent("EHLO tuki\r\n");
  t.received("250-mx.varia.test\r\n");
  t.received("250 8BITMIME\r\n");
  t.sent("MAIL FROM:<tuki@varia.test>\r\n");
  t.received("250 2.1.0 Ok\r\n");
  t.sent("RCPT TO:<opo@varia.test>\r\n");
  t.received("550-5.1.1 <opo@varia.test>: Recipient address rejected:\r\n");
  t.received("550 5.1.1 User unknown\r\n");
  t.sent("RCPT TO:<kuraattori@varia.test>\r\n");
  t.received("450 4.2.1 Mailbox busy\r\n");
  t.sent("rcpt to:<rehtori@varia.test>\r\n");
  t.received("250 2.1.5 Ok\r\n");
  t.sent("DATA\r\n");
  t.received("354 go ahead\r\n");
  t.received("552 5.3.4 Message too big\r\n");  // the end of the message: no command shown

  const auto& a = t.answers();
  REQUIRE(a.size() == 8);
  CHECK(a[0].command == "CONNECT");
  CHECK(a[1].command == "EHLO");
  CHECK(a[1].code == 250);
  CHECK(a[1].text == "mx.varia.test 8BITMIME");
  CHECK(a[3].command == "RCPT");
  CHECK(a[3].code == 550);
  CHECK(a[3].text == "5.1.1 <opo@varia.test>: Recipient address rejected: 5.1.1 User unknown");
  CHECK(a[5].command == "RCPT");
  CHECK(a[5].recipient == "rehtori@varia.test");
  CHECK(a[7].command == ".");
  CHECK(a[7].code == 552);
  REQUIRE(t.last_failure() != nullptr);
  CHECK(t.last_failure()->code == 552);
  CHECK(t.recipients_answered(5) == std::vector<std::string>{"opo@varia.test"});
  CHECK(t.recipients_answered(4) == std::vector<std::string>{"kuraattori@varia.test"});
  CHECK(t.recipients_answered(2) == std::vector<std::string>{"rehtori@varia.test"});
}

TEST_CASE("the transcript keeps no AUTH credentials", "[mail]") {
  smtp_transcript t;
  t.received("220 mx ESMTP\r\n");
  t.sent("AUTH PLAIN\r\n");
  t.received("334 \r\n");
  t.sent("AHR1a2kAczNjcjN0\r\n");  // base64 credentials
  t.received("535 5.7.8 Authentication credentials invalid\r\n");
  REQUIRE(t.answers().size() == 3);
  CHECK(t.answers()[2].command == "AUTH");
  CHECK(t.answers()[2].code == 535);
  for (const auto& a : t.answers()) {
    CHECK(a.command.find("AHR1") == std::string::npos);
    CHECK(a.recipient.empty());
  }
  CHECK(t.last_failure() == &t.answers()[2]);
}

TEST_CASE("a reply is masked of its addresses and cut short for logs", "[mail]") {
  CHECK(adapters::mask_addresses("5.1.1 <opo@varia.test>: Recipient address rejected") ==
        "5.1.1 <address> Recipient address rejected");
  CHECK(adapters::mask_addresses("mailbox opo@varia.test full") == "mailbox <address> full");
  CHECK(adapters::mask_addresses("no address here") == "no address here");
  CHECK(adapters::mask_addresses(std::string(300, 'x')).size() == 200);
  CHECK(adapters::mask_addresses("ab\xc3\xa4", 3) == "ab");  // no half of a UTF-8 character
}
