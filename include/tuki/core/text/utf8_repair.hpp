#pragma once
// Text from outside (an SMS body a gateway hands over) made safe to store, match and put into
// JSON: every byte sequence that is not valid UTF-8 (a stray byte, a truncated sequence, an
// encoded surrogate, an overlong form) becomes U+FFFD, so nothing is lost silently and nothing
// downstream throws on it.
#include <string>
#include <string_view>

namespace tuki::core {

/// `s` with each invalid UTF-8 sequence replaced by U+FFFD; valid text comes back unchanged.
std::string repair_utf8(std::string_view s);

/// ISO-8859-1 (Latin-1) bytes as UTF-8: each byte is the code point of the same number.
std::string latin1_to_utf8(std::string_view s);

}  // namespace tuki::core
