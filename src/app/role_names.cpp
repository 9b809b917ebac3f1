#include "tuki/app/role_names.hpp"
#include "tuki/core/yaml_file_name.hpp"

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
    if (!core::is_yaml_file_name(entry.path())) continue;
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

const std::string* role_names::own_name(const std::string& role,
                                        const std::string& language) const {
  auto l = names_.find(language);
  if (l == names_.end()) return nullptr;
  auto r = l->second.find(role);
  return r == l->second.end() ? nullptr : &r->second;
}

std::string role_names::name(const std::string& role, const std::string& language) const {
  for (const auto& lang : {language, std::string("en")}) {
    if (const auto* own = own_name(role, lang)) return *own;
    if (const auto* generic = own_name(generic_role, lang)) return *generic;
  }
  return role;
}

std::string role_names::staff_name(const std::string& role, const std::string& language) const {
  for (const auto& lang : {language, std::string("en")})
    if (const auto* own = own_name(role, lang)) return *own;
  return role;
}

bool role_names::has_name(const std::string& role, const std::string& language) const {
  return own_name(role, language) != nullptr;
}

std::string role_names::file_of(const std::string& language) const {
  auto f = files_.find(language);
  return f == files_.end() ? std::string() : f->second;
}

void role_names::set(const std::string& language, const std::string& role, const std::string& name) {
  names_[language][role] = name;
}

}  // namespace tuki::app
