#pragma once
// Escaping text for HTML element content and attribute values (& < > " ').
#include <string>
#include <string_view>

namespace tuki::core {

std::string html_escape(std::string_view s);

}  // namespace tuki::core
