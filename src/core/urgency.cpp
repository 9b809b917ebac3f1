#include "tuki/core/urgency.hpp"

namespace tuki::core {

std::string_view to_string(urgency u) {
  switch (u) {
    case urgency::normal: return "normal";
    case urgency::high: return "high";
    case urgency::urgent: return "urgent";
  }
  return "normal";
}

std::optional<urgency> parse_urgency(std::string_view s) {
  if (s == "normal") return urgency::normal;
  if (s == "high") return urgency::high;
  if (s == "urgent") return urgency::urgent;
  return std::nullopt;
}

}  // namespace tuki::core
