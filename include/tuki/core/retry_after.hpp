#pragma once
// The Retry-After header of an HTTP answer (RFC 9110 10.2.3): a number of seconds, or an
// HTTP-date (IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT", and the obsolete RFC 850 and asctime
// forms a recipient must still accept). Pure: `now` is passed in.
#include <optional>
#include <string_view>

#include "tuki/core/instant.hpp"

namespace tuki::core {

/// How long after `now` the header asks to wait: zero for a date already past, nullopt for a
/// value that is neither form (ignored, as if absent).
std::optional<duration> parse_retry_after(std::string_view value, instant now);

}  // namespace tuki::core
