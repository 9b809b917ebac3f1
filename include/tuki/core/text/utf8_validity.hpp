#pragma once
// Where a byte string stops being valid UTF-8 (strict: no overlong forms, surrogates or code
// points above U+10FFFF, as utf8proc and nlohmann::json require).
#include <cstddef>
#include <string_view>

namespace tuki::core {

/// The length in bytes of the longest valid UTF-8 prefix of `s`; s.size() when all of it is valid.
std::size_t valid_utf8_prefix(std::string_view s);

}  // namespace tuki::core
