#pragma once
// The pieces of an Internet message that staff_email.hpp needs (pure, UTF-8 in, ASCII out):
// quoted-printable bodies (RFC 2045), encoded-word headers (RFC 2047) and dates (RFC 5322).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "tuki/core/instant.hpp"

namespace tuki::routing {

/// Quoted-printable with CRLF line ends and soft breaks so no line exceeds 76 characters.
/// Input line ends (LF or CRLF) become CRLF; trailing spaces and tabs are encoded.
std::string quoted_printable_encode(std::string_view text);
/// The inverse, for tests and tools; soft breaks removed, CRLF kept as LF.
std::string quoted_printable_decode(std::string_view text);

/// Header field bodies. `column` is how many characters already stand on the first line (the
/// field name, ": " and anything before the text: 9 for "Subject: "); the results end without
/// CRLF and fold with CRLF SPACE, so that unfolding (removing each CRLF) and then decoding the
/// encoded words gives the text back. Lines stay within 78 characters (RFC 5322 2.1.1), and
/// within 76 when they hold an encoded word (RFC 2047 section 2).
inline constexpr std::size_t header_line_max = 78;
inline constexpr std::size_t encoded_word_line_max = 76;

/// Printable ASCII `text` as it is when it fits, else folded before single spaces between
/// words; nullopt when it is not printable ASCII or a word cannot fit on a line of its own.
std::optional<std::string> fold_header_text(std::string_view text, std::size_t column);

/// RFC 2047 "=?UTF-8?B?...?=" words of at most 75 characters, one per line, each holding whole
/// UTF-8 characters (invalid UTF-8 is split where it must be). CR and LF become spaces.
std::string encode_header_words(std::string_view text, std::size_t column);

/// Unstructured text (a Subject): fold_header_text when that can carry it (printable ASCII
/// without "=?", which would read as an encoded word), else encode_header_words. Short ASCII
/// text comes back unchanged.
std::string encode_header_text(std::string_view text, std::size_t column);

/// "Tue, 04 Mar 2025 08:00:00 +0000" (always UTC).
std::string rfc5322_date(core::instant t);

}  // namespace tuki::routing
