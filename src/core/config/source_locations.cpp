#include "tuki/core/config/source_locations.hpp"

namespace tuki::config {

void source_locations::add(std::string path, std::string where) {
  where_[std::move(path)] = std::move(where);
}

std::string source_locations::find(std::string_view path) const {
  while (true) {
    if (auto it = where_.find(path); it != where_.end()) return it->second;
    if (path.empty()) return {};
    auto cut = path.find_last_of(".[");
    path = cut == std::string_view::npos ? std::string_view() : path.substr(0, cut);
  }
}

std::string source_locations::locate(std::string_view path, std::string_view message) const {
  auto where = find(path);
  return where.empty() ? std::string(message) : where + ": " + std::string(message);
}

}  // namespace tuki::config
