#include "tuki/core/config/source_locations.hpp"

#include "tuki/core/config/server_url.hpp"

namespace tuki::config {

std::string substitution_note(std::string_view raw) { return " (from " + redact_url(raw) + ")"; }

void source_locations::add(std::string path, std::string where, std::string raw) {
  entries_[std::move(path)] = {std::move(where), std::move(raw)};
}

const source_locations::entry* source_locations::nearest(std::string_view path) const {
  while (true) {
    if (auto it = entries_.find(path); it != entries_.end()) return &it->second;
    if (path.empty()) return nullptr;
    auto cut = path.find_last_of(".[");
    path = cut == std::string_view::npos ? std::string_view() : path.substr(0, cut);
  }
}

std::string source_locations::find(std::string_view path) const {
  const auto* e = nearest(path);
  return e ? e->where : std::string();
}

std::string source_locations::locate(std::string_view path, std::string_view message) const {
  const auto* e = nearest(path);
  if (!e || e->where.empty()) return std::string(message);
  return e->where + ": " + std::string(message) + (e->raw.empty() ? "" : substitution_note(e->raw));
}

}  // namespace tuki::config
