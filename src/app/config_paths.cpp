#include "tuki/app/config_paths.hpp"

#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

namespace tuki::app {
namespace {

namespace fs = std::filesystem;

enum class kind { directory, readable_file };

// Why `value` does not do as `k` needs, or "" when it does.
std::string problem(const std::string& value, kind k) {
  std::error_code ec;
  const fs::path p(value);
  switch (k) {
    case kind::directory:
      if (fs::is_directory(p, ec)) return "";
      return fs::exists(p, ec) ? "'" + value + "' is not a directory" : "no directory '" + value + "'";
    case kind::readable_file:
      if (fs::is_directory(p, ec)) return "'" + value + "' is a directory, not a file";
      if (!fs::exists(p, ec)) return "no file '" + value + "'";
      if (::access(value.c_str(), R_OK) != 0) return "'" + value + "' cannot be read (permissions)";
      return "";
  }
  return "";
}

}  // namespace

std::string relative_path_note(const std::string& value) {
  const fs::path p(value);
  if (p.empty() || p.is_absolute()) return "";
  std::error_code ec;
  const auto cwd = fs::current_path(ec);
  return " (a relative path: looked up from the working directory " +
         (ec ? std::string("(unknown)") : cwd.string()) + ")";
}

core::status check_config_paths(const config::config& cfg) {
  struct named {
    std::string key;
    const std::string* value;
    kind k;
  };
  std::vector<named> paths = {{"dialogs_dir", &cfg.dialogs_dir, kind::directory},
                              {"routing_dir", &cfg.routing_dir, kind::directory}};
  for (std::size_t i = 0; i < cfg.institutions.size(); ++i) {
    const auto& inst = cfg.institutions[i];
    const std::string at = "institutions[" + std::to_string(i) + "].";
    paths.push_back({at + "routing_file", &inst.routing_file, kind::readable_file});
    paths.push_back({at + "schedule_file", &inst.schedule_file, kind::readable_file});
  }
  std::string errors;
  for (const auto& [key, value, k] : paths) {
    // Not set in the file: its default.
    if (cfg.locations.find(key).empty() || value->empty()) continue;
    if (auto why = problem(*value, k); !why.empty())
      errors += (errors.empty() ? "" : "\n") +
                cfg.locations.locate(key, key + ": " + why + relative_path_note(*value));
  }
  if (errors.empty()) return core::status::ok();
  return core::status::invalid_argument(errors);
}

}  // namespace tuki::app
