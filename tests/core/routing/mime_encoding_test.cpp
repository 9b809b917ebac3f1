#include <catch2/catch.hpp>

#include <string>

#include "encoded_word_reader.hpp"
#include "routing_test_support.hpp"
#include "tuki/core/routing/mime_encoding.hpp"

using namespace tuki;
using namespace tuki::routing;
using tuki::routing::testing::check_header_lines;
using tuki::routing::testing::read_header;
using tuki::routing::testing::utc;

namespace {

// The header block a field name of `column` characters and the encoded text would make.
std::string field_line(std::size_t column, const std::string& encoded) {
  return std::string(column - 2, 'X') + ": " + encoded;
}

}  // namespace

TEST_CASE("MIME encoders: quoted-printable and encoded words", "[routing][mime]") {
  CHECK(quoted_printable_encode("a=b \nä") == "a=3Db=20\r\n=C3=A4");
  const std::string long_line(200, 'x');
  const std::string qp = quoted_printable_encode(long_line + "ö");
  std::size_t pos = 0;
  while (pos < qp.size()) {
    auto end = qp.find("\r\n", pos);
    if (end == std::string::npos) end = qp.size();
    CHECK(end - pos <= 76);
    pos = end + 2;
  }
  CHECK(quoted_printable_decode(qp) == long_line + "ö");
  CHECK(encode_header_text("plain", 9) == "plain");
  std::string finnish;
  for (int i = 0; i < 40; ++i) finnish += "ä";  // 80 bytes: two words, no split ä
  const std::string words = encode_header_text(finnish, 9);
  CHECK(words.find("\r\n ") != std::string::npos);
  CHECK(read_header(words) == finnish);
  CHECK(rfc5322_date(utc("2024-02-29T23:59:59Z")) == "Thu, 29 Feb 2024 23:59:59 +0000");
}

TEST_CASE("MIME encoders: a short ASCII header text is written as it is", "[routing][mime]") {
  const std::string subject = "Reminder: unacknowledged support request T-42";
  CHECK(encode_header_text(subject, 9) == subject);
  const std::string full(69, 'x');  // "Subject: " + 69 = 78 characters exactly
  CHECK(encode_header_text(full, 9) == full);
  CHECK(encode_header_text("", 9).empty());
}

TEST_CASE("MIME encoders: long ASCII text folds at spaces, or is encoded when it cannot",
          "[routing][mime]") {
  const std::string words =
      "URGENT: Escalation: support request T-2025-000000123456 has not been acknowledged by "
      "anyone on the rota";
  const std::string folded = encode_header_text(words, 9);
  CAPTURE(folded);
  CHECK(folded.find("=?") == std::string::npos);
  CHECK(folded.find("\r\n ") != std::string::npos);
  check_header_lines(field_line(9, folded));
  CHECK(read_header(folded) == words);

  const std::string run = "Escalation: T-" + std::string(90, '7') + " not acknowledged";
  const std::string encoded = encode_header_text(run, 9);
  CAPTURE(encoded);
  CHECK_THAT(encoded, Catch::StartsWith("=?UTF-8?B?"));
  check_header_lines(field_line(9, encoded));
  CHECK(read_header(encoded) == run);

  // Text that looks like an encoded word must not be read as one.
  const std::string lookalike = "Ticket =?UTF-8?B?SGVq?= T-42";
  CHECK(read_header(encode_header_text(lookalike, 9)) == lookalike);
}

TEST_CASE("MIME encoders: multi-byte text splits between characters and reads back",
          "[routing][mime]") {
  std::string mixed;
  for (int i = 0; i < 12; ++i) mixed += "Tukipyyntö äöå šŠ – ärende 😀🚀 ";
  for (std::size_t lead = 0; lead < 4; ++lead) {
    for (std::size_t column : {2u, 4u, 6u, 9u, 20u, 40u}) {
      // Every alignment of the 2-, 3- and 4-byte characters against the word boundaries.
      const std::string text = std::string(lead, 'a') + mixed;
      const std::string emoji = std::string(lead, 'a') + [] {
        std::string s;
        for (int i = 0; i < 40; ++i) s += "😀";
        return s;
      }();
      for (const std::string& t : {text, emoji}) {
        CAPTURE(lead, column, t);
        const std::string encoded = encode_header_text(t, column);
        CAPTURE(encoded);
        check_header_lines(field_line(column, encoded));
        CHECK(read_header(encoded) == t);
      }
    }
  }
}
