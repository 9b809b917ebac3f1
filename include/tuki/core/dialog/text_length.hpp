#pragma once
// How long a text to students may be. Gateways send a long text as concatenated parts, each
// billed, and not without end: the shipped Kannel configuration allows 10 parts
// (`max-messages`; Kannel's own default of 1 cuts the rest off), and Twilio refuses a body over
// 1,600 characters. So a dialog text or lexicon reply over 10 segments is an error, and one over
// 4 a warning (each part is billed, and the student reads it in pieces on an old phone).
// Placeholders count as written ("{helpline}" as 10 characters): what fills them is short.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace tuki::dialog {

inline constexpr std::size_t max_text_segments = 10;
inline constexpr std::size_t advised_text_segments = 4;

struct text_length_finding {
  bool error = false;  // else a warning
  std::string message;
};

/// Nothing for a text of at most advised_text_segments SMS segments; else what is wrong, e.g.
/// "is 12 SMS segments long (780 UCS-2 characters); gateways send at most 10 (Kannel's
/// max-messages, Twilio's 1,600 characters): shorten it".
std::optional<text_length_finding> text_length_finding_for(std::string_view text);

}  // namespace tuki::dialog
