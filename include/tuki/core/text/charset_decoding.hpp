#pragma once
// The charsets a gateway may hand an SMS body over in, decoded to UTF-8 (Kannel's %C: UTF-16BE
// for a UCS-2 message without mo-recode, WINDOWS-1252 or ISO-8859-1 for an 8-bit one). Whatever
// cannot be decoded becomes U+FFFD in place, so nothing is lost silently and no neighbouring
// character is swallowed. Pure functions.
#include <string>
#include <string_view>

namespace tuki::core {

/// UTF-16 big-endian bytes as UTF-8. A surrogate pair gives its supplementary character; a high
/// surrogate not followed by a low one, and a lone low surrogate, give U+FFFD (the unit after an
/// unpaired high surrogate is decoded on its own); an odd final byte gives U+FFFD.
std::string utf16be_to_utf8(std::string_view bytes);

/// Windows-1252 bytes as UTF-8: 0x80-0x9F by Microsoft's table (0x80 is €, 0x8A Š, 0x9E ž),
/// the five positions it leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) as U+FFFD, every other
/// byte as the code point of its value (as Latin-1).
std::string windows1252_to_utf8(std::string_view bytes);

}  // namespace tuki::core
