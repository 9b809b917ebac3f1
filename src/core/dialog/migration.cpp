#include "tuki/core/dialog/migration.hpp"

#include "tuki/core/dialog/model.hpp"

namespace tuki::dialog {

core::status migrate(YAML::Node& root, int from_version) {
  (void)root;
  if (from_version < 1 || from_version > current_spec_version)
    return core::status::invalid_argument("no migration from spec version " +
                                          std::to_string(from_version));
  // v1 -> v1: nothing to do. A v2 engine adds: if (from_version == 1) { ...rewrite...; }
  return core::status::ok();
}

}  // namespace tuki::dialog
