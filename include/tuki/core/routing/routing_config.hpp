#pragma once
// The routing configuration of one institution as loaded from YAML (`tuki_routing: 1`):
// rules, optional staff list, SLA and disengagement settings. The format is in docs/routing.md.
// Loading is the only I/O in core/routing; errors name file:line:column and the key path
// ("config/routing/varia.yaml:12:7: rules[2].roles: expected a list").
#include <filesystem>
#include <string>
#include <string_view>

#include "tuki/core/routing/disengagement.hpp"
#include "tuki/core/routing/routing_rules.hpp"
#include "tuki/core/routing/sla.hpp"
#include "tuki/core/routing/staff_directory.hpp"
#include "tuki/core/status.hpp"

namespace tuki::routing {

struct routing_config {
  routing_rules rules;
  staff_directory staff;  // empty when the file lists no staff (the app supplies its own)
  sla_settings sla;
  disengagement_settings disengagement;
  std::string source;  // file name or "<built-in default>"
};

/// Parses YAML text; `source_name` prefixes error locations.
core::result<routing_config> parse_routing_config(std::string_view yaml,
                                                  std::string_view source_name);
/// Reads and parses one file.
core::result<routing_config> load_routing_file(const std::filesystem::path& file);
/// `<dir>/<institution_id>.yaml` when it exists, otherwise the built-in defaults (with
/// institution.id set). An invalid institution id (not [a-z0-9_-]+) is invalid_argument.
core::result<routing_config> load_routing_for(const std::filesystem::path& dir,
                                              std::string_view institution_id);

/// The shipped defaults; identical to config/routing/default.yaml (a test checks this).
std::string_view default_routing_yaml();
routing_config default_routing_config();

}  // namespace tuki::routing
