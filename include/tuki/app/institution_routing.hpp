#pragma once
// Which routing an institution runs on, and so which staff roles it has. One lookup for the
// service (ticket_desk), `tuki dialogs check --config` and `tuki staff import`.
#include <string>
#include <vector>

#include "tuki/core/config/config.hpp"
#include "tuki/core/routing/routing_config.hpp"
#include "tuki/core/status.hpp"

namespace tuki::app {

/// `inst.routing_file` when set; else `<routing_dir>/<id>.yaml` when it exists; else the built-in
/// defaults (routing::default_routing_yaml; config/routing/default.yaml is a copy of them for
/// reading, not a file tuki reads). Errors name file:line:column.
core::result<routing::routing_config> load_institution_routing(
    const config::config& cfg, const config::institution_settings& inst);

/// The roles the staff CSV may give: the built-in ones (teacher, special_needs_teacher,
/// study_counsellor, social_worker, nurse, psychologist, coordinator) and every role `routing`
/// names (its rules, fallback role and staff: routing::known_roles). Sorted, without repeats.
std::vector<std::string> staff_roles_of(const routing::routing_config& routing);

}  // namespace tuki::app
