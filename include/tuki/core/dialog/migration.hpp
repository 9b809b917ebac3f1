#pragma once
// Upgrades a parsed dialog document from an older spec version to current_spec_version before
// it is read. Version 1 is current, so this is the identity today; a v2 adds a step here so
// that operators' v1 files keep working. A version newer than the engine is refused by the
// loader, not here.
#include <string>

#include <yaml-cpp/yaml.h>

#include "tuki/core/status.hpp"

namespace tuki::dialog {

/// Rewrites `root` in place from `from_version` to the current version.
core::status migrate(YAML::Node& root, int from_version);

}  // namespace tuki::dialog
