#pragma once
// GSM 03.38 (GSM-7) versus UCS-2, and how many SMS segments a text costs. A text fits GSM-7
// when every character is in the basic table or its extension table (extension characters such
// as € [ ] { } and form feed count twice). One SMS holds 160 GSM-7 / 70 UCS-2 characters; a
// concatenated part holds 153 / 67, and an extension character or an emoji (two UTF-16 code
// units) is never split between parts, so a part may hold one unit fewer.
#include <cstddef>
#include <string_view>

namespace tuki::core {

enum class sms_coding { gsm7, ucs2 };

struct sms_cost {
  sms_coding coding = sms_coding::gsm7;
  std::size_t units = 0;     // septets for GSM-7, UTF-16 code units for UCS-2
  std::size_t segments = 0;  // 0 for an empty text
};

/// Measures UTF-8 `text`; invalid UTF-8 counts as UCS-2 (it cannot be sent as GSM-7).
sms_cost measure_sms(std::string_view text);

}  // namespace tuki::core
