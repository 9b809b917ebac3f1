#pragma once
// The pieces of an Internet message that staff_email.hpp needs (pure, UTF-8 in, ASCII out):
// quoted-printable bodies (RFC 2045), encoded-word headers (RFC 2047) and dates (RFC 5322).
#include <string>
#include <string_view>

#include "tuki/core/instant.hpp"

namespace tuki::routing {

/// Quoted-printable with CRLF line ends and soft breaks so no line exceeds 76 characters.
/// Input line ends (LF or CRLF) become CRLF; trailing spaces and tabs are encoded.
std::string quoted_printable_encode(std::string_view text);
/// The inverse, for tests and tools; soft breaks removed, CRLF kept as LF.
std::string quoted_printable_decode(std::string_view text);

/// The text itself when it is printable ASCII, otherwise RFC 2047 "=?UTF-8?B?...?=" words of at
/// most 75 characters joined by CRLF SPACE (header folding), never splitting a UTF-8 sequence.
std::string encode_header_text(std::string_view text);

/// "Tue, 04 Mar 2025 08:00:00 +0000" (always UTC).
std::string rfc5322_date(core::instant t);

}  // namespace tuki::routing
