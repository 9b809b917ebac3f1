#pragma once
// Filling "{name}" placeholders in fixed wording (staff notices, action-link pages).
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace tuki::core {

using placeholder_value = std::pair<std::string_view, std::string_view>;  // {"id", "17"}

/// `pattern` with every "{name}" of `values` replaced by its value, in one pass: a value is
/// never scanned again, so a value holding "{id}" stays as it is. Other braces stay as written.
std::string fill_placeholders(std::string_view pattern,
                              std::initializer_list<placeholder_value> values);

}  // namespace tuki::core
