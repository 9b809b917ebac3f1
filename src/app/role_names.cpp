#include "tuki/app/role_names.hpp"

#include <filesystem>

#include <yaml-cpp/yaml.h>

namespace tuki::app {

core::result<role_names> role_names::load(const std::string& dialogs_dir) {
  return load_lang_dir((std::filesystem::path(dialogs_dir) / "lang").string());
}

core::result<role_names> role_names::load_lang_dir(const std::string& lang_dir) {
  role_names out;
  std::filesystem::path dir(lang_dir);
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return out;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".yaml") continue;
    try {
      YAML::Node root = YAML::LoadFile(entry.path().string());
      if (!root.IsMap() || !root["language"] || !root["roles"] || !root["roles"].IsMap()) continue;
      std::string lang = root["language"].as<std::string>();
      out.files_[lang] = entry.path().string();
      for (auto it = root["roles"].begin(); it != root["roles"].end(); ++it)
        out.set(lang, it->first.as<std::string>(), it->second.as<std::string>());
    } catch (const YAML::Exception& e) {
      return core::status::invalid_argument(entry.path().string() + ":" + std::to_string(e.mark.line + 1) +
                                            ": " + e.msg);
    }
  }
  return out;
}

std::string role_names::name(const std::string& role, const std::string& language) const {
  for (const auto& lang : {language, std::string("en")}) {
    auto l = names_.find(lang);
    if (l == names_.end()) continue;
    if (auto r = l->second.find(role); r != l->second.end()) return r->second;
    if (auto g = l->second.find(generic_role); g != l->second.end()) return g->second;
  }
  return role;
}

bool role_names::has_name(const std::string& role, const std::string& language) const {
  auto l = names_.find(language);
  return l != names_.end() && l->second.count(role) > 0;
}

std::string role_names::file_of(const std::string& language) const {
  auto f = files_.find(language);
  return f == files_.end() ? std::string() : f->second;
}

void role_names::set(const std::string& language, const std::string& role, const std::string& name) {
  names_[language][role] = name;
}

}  // namespace tuki::app
