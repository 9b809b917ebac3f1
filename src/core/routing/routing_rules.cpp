#include "tuki/core/routing/routing_rules.hpp"

namespace tuki::routing {

int routing_rule::specificity() const {
  return static_cast<int>(campus.has_value()) + static_cast<int>(group.has_value()) +
         static_cast<int>(programme.has_value()) + static_cast<int>(language.has_value()) +
         static_cast<int>(urgency.has_value());
}

std::string_view to_string(choice_strategy s) {
  return s == choice_strategy::fewest_open ? "fewest_open" : "round_robin";
}

std::optional<choice_strategy> parse_choice_strategy(std::string_view s) {
  if (s == "round_robin") return choice_strategy::round_robin;
  if (s == "fewest_open") return choice_strategy::fewest_open;
  return std::nullopt;
}

std::string_view to_string(role_pick p) {
  switch (p) {
    case role_pick::first_available:
      return "first_available";
    case role_pick::pool:
      return "pool";
    case role_pick::all_on_call:
      return "all_on_call";
  }
  return "first_available";
}

std::optional<role_pick> parse_role_pick(std::string_view s) {
  if (s == "first_available") return role_pick::first_available;
  if (s == "pool") return role_pick::pool;
  if (s == "all_on_call") return role_pick::all_on_call;
  return std::nullopt;
}

}  // namespace tuki::routing
