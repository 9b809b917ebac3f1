#include "tuki/core/text/sms_encoding.hpp"

#include <catch2/catch.hpp>

using namespace tuki::core;

TEST_CASE("GSM-7 or UCS-2, and the number of segments", "[core][sms_encoding]") {
  struct row {
    std::string text;
    sms_coding coding;
    std::size_t units, segments;
  };
  std::vector<row> rows{
      {"", sms_coding::gsm7, 0, 0},
      {"Hyvää päivää! Äö", sms_coding::gsm7, 16, 1},          // Finnish letters are GSM-7
      {"Miten opinnot sujuvat? 1-5", sms_coding::gsm7, 26, 1},
      {"Hinta 5€ [alv]", sms_coding::gsm7, 17, 1},             // € [ ] count twice
      {"Kā tev iet?", sms_coding::ucs2, 11, 1},                 // Latvian ā is not GSM-7
      {"Ačiū 👍", sms_coding::ucs2, 7, 1},                      // emoji: two UTF-16 units
      {std::string(160, 'a'), sms_coding::gsm7, 160, 1},
      {std::string(161, 'a'), sms_coding::gsm7, 161, 2},
      {std::string(306, 'a'), sms_coding::gsm7, 306, 2},
      {std::string(307, 'a'), sms_coding::gsm7, 307, 3},
      {std::string(80, '{'), sms_coding::gsm7, 160, 1},
      {std::string(81, '{'), sms_coding::gsm7, 162, 2},
  };
  std::string s70, s71;
  for (int i = 0; i < 70; ++i) s70 += "š";
  s71 = s70 + "š";
  rows.push_back({s70, sms_coding::ucs2, 70, 1});
  rows.push_back({s71, sms_coding::ucs2, 71, 2});
  rows.push_back({"\xff\xfe", sms_coding::ucs2, 2, 1});
  // A part ends before an extension character or an emoji that would be split across it:
  // 152 + € (2) does not fit 153, so € opens the second part and the rest needs a third.
  rows.push_back({std::string(152, 'a') + "€" + std::string(152, 'a'), sms_coding::gsm7, 306, 3});
  rows.push_back({std::string(151, 'a') + "€" + std::string(153, 'a'), sms_coding::gsm7, 306, 2});
  std::string s66;
  for (int i = 0; i < 66; ++i) s66 += "ą";
  rows.push_back({s66 + "😀" + s66, sms_coding::ucs2, 134, 3});
  rows.push_back({"😀" + s66 + s66, sms_coding::ucs2, 134, 2});
  rows.push_back({"a\f", sms_coding::gsm7, 3, 1});  // form feed: ESC 0x0A, two septets
  for (const auto& r : rows) {
    INFO(r.text);
    auto c = measure_sms(r.text);
    CHECK(c.coding == r.coding);
    CHECK(c.units == r.units);
    CHECK(c.segments == r.segments);
  }
}

TEST_CASE("every ASCII character counts as GSM 03.38 says", "[core][sms_encoding]") {
  // Written from the GSM 03.38 tables, apart from the code's own: the basic table's ASCII
  // characters (one septet), the extension table's (two: form feed is ESC 0x0A there), and none
  // for the rest (UCS-2).
  const std::string basic = std::string("@$\n\r_ !\"#%&'()*+,-./:;<=>?") +
                            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  const std::string extension = "^{}\\[~]|\f";
  for (int c = 0; c < 128; ++c) {
    const std::string text = std::string("a") + static_cast<char>(c);
    CAPTURE(c);
    auto m = measure_sms(text);
    if (basic.find(static_cast<char>(c)) != std::string::npos) {
      CHECK(m.coding == sms_coding::gsm7);
      CHECK(m.units == 2);
    } else if (extension.find(static_cast<char>(c)) != std::string::npos) {
      CHECK(m.coding == sms_coding::gsm7);
      CHECK(m.units == 3);
    } else {
      CHECK(m.coding == sms_coding::ucs2);
      CHECK(m.units == 2);
    }
  }
}
