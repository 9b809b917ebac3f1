#include "tuki/app/institution_routing.hpp"

#include <algorithm>

#include "tuki/app/roster_import.hpp"
#include "tuki/core/routing/route.hpp"

namespace tuki::app {

core::result<routing::routing_config> load_institution_routing(
    const config::config& cfg, const config::institution_settings& inst) {
  return inst.routing_file.empty() ? routing::load_routing_for(cfg.routing_dir, inst.id)
                                   : routing::load_routing_file(inst.routing_file);
}

std::vector<std::string> staff_roles_of(const routing::routing_config& routing) {
  auto roles = routing::known_roles(routing.rules, routing.staff);
  const auto& builtin = builtin_staff_roles();
  roles.insert(roles.end(), builtin.begin(), builtin.end());
  std::sort(roles.begin(), roles.end());
  roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
  return roles;
}

}  // namespace tuki::app
