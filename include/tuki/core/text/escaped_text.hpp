#pragma once
// Untrusted text made safe to quote on one line (a log value, an error reason): backslash and
// double quote are escaped, and every control byte (below 0x20, and 0x7f) is written as \n, \r,
// \t or \xNN, so the text can neither end the line, forge another one, nor carry a terminal
// escape sequence. Bytes from 0x80 up (UTF-8) are kept as they are.
#include <cstddef>
#include <string>
#include <string_view>

namespace tuki::core {

/// Whether `text` has a byte that append_escaped writes otherwise (a control byte, '\' or '"').
bool needs_escaping(std::string_view text);

/// Appends `text` to `out`, escaped as above.
void append_escaped(std::string& out, std::string_view text);

/// For echoing a client's value in an error reason: at most `max_bytes` of `text` (cut at a UTF-8
/// character boundary, then "..."), escaped, in single quotes: "'RS256'", "'a\x1b[2J...'".
std::string quoted_excerpt(std::string_view text, std::size_t max_bytes = 32);

}  // namespace tuki::core
