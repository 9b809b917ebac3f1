#pragma once
// The HTTP Accept-Language header (RFC 9110 section 12.5.4): "sv;q=0.9, fi-FI;q=0.8, *;q=0.1".
#include <string>
#include <string_view>
#include <vector>

namespace tuki::core {

/// The language ranges of an Accept-Language value, most preferred first: by q-value (default
/// 1), ties in the order written. Ranges are lower-cased ("fi-fi"); ranges with q=0 (not
/// acceptable) and malformed items (bad q, characters outside [A-Za-z0-9-*]) are left out, so a
/// hostile or broken header only loses its bad items. "*" is kept: the caller decides what it
/// means.
std::vector<std::string> accepted_languages(std::string_view header);

}  // namespace tuki::core
