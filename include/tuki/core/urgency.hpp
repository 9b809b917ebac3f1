#pragma once
#include <optional>
#include <string_view>

namespace tuki::core {

/// How fast staff must react to a ticket. `urgent` is for crisis messages (minutes, any hour).
enum class urgency { normal, high, urgent };

std::string_view to_string(urgency u);
std::optional<urgency> parse_urgency(std::string_view s);

}  // namespace tuki::core
