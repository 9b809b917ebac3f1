#pragma once
// application/x-www-form-urlencoded and percent-encoding (RFC 3986), UTF-8 throughout.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tuki::core {

using form_fields = std::vector<std::pair<std::string, std::string>>;

/// Percent-encodes every byte outside RFC 3986's unreserved set (space becomes %20).
std::string url_encode(std::string_view s);
/// The same, appended to `out` (one allocation at most; for building a query in place).
void append_url_encoded(std::string& out, std::string_view s);
/// Decodes %XX and, when `plus_is_space`, '+' as a space. nullopt on a malformed escape.
std::optional<std::string> url_decode(std::string_view s, bool plus_is_space = true);
/// Parses "a=1&b=x+y" in order; nullopt on a malformed escape. Keys may repeat.
std::optional<form_fields> parse_form(std::string_view body);
/// Encodes fields as a form body / query string, in the given order.
std::string encode_form(const form_fields& fields);
/// The first value of `key`, or nullopt.
std::optional<std::string_view> form_value(const form_fields& fields, std::string_view key);

}  // namespace tuki::core
