#pragma once
// ASCII case for protocol text: HTTP header names, URL schemes and hosts, gateway keywords,
// weekday names. Not for what students write (that is Unicode, folded by utf8proc in the
// dialog engine). Independent of the C locale: only A-Z change.
#include <string>
#include <string_view>

namespace tuki::core {

constexpr char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

/// `s` with A-Z lowered.
std::string ascii_lowercase(std::string_view s);

/// Whether `a` and `b` are equal but for the case of A-Z.
bool ascii_iequals(std::string_view a, std::string_view b);

/// Whether `s` begins with `prefix`, but for the case of A-Z.
bool ascii_istarts_with(std::string_view s, std::string_view prefix);

}  // namespace tuki::core
