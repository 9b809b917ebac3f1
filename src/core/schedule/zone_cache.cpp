#include "tuki/core/schedule/zone_cache.hpp"

#include <stdexcept>

namespace tuki::schedule {

core::result<const date::time_zone*> find_zone(std::string_view name) {
  try {
    if (!name.empty()) return date::locate_zone(name);
  } catch (const std::runtime_error&) {
    // date reports an unknown zone by throwing; an unknown zone is ordinary bad input here.
  }
  return core::status::not_found("unknown time zone \"" + std::string(name) + "\"");
}

core::result<const date::time_zone*> zone_cache::find(std::string_view name) {
  if (auto it = zones_.find(name); it != zones_.end()) return it->second;
  auto found = find_zone(name);
  if (found) zones_.emplace(std::string(name), *found);
  return found;
}

const date::time_zone* zone_cache::find_or(std::string_view name,
                                           const date::time_zone* fallback) {
  if (name.empty()) return fallback;
  auto found = find(name);
  return found ? *found : fallback;
}

}  // namespace tuki::schedule
