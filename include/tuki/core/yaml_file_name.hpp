#pragma once
// Which files of a directory tuki reads as YAML (dialogs, lexicons): `.yaml` and `.yml` alike, so
// a file that `tuki dialogs check` passes is also one the service loads.
#include <filesystem>

namespace tuki::core {

inline bool is_yaml_file_name(const std::filesystem::path& p) {
  const auto e = p.extension();
  return e == ".yaml" || e == ".yml";
}

}  // namespace tuki::core
