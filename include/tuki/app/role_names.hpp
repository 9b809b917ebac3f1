#pragma once
// Staff role names as students read them ("kuraattori", "school social worker"), per language,
// from the `roles:` section of dialogs/lang/<lang>.yaml. Used to fill {staff_role}.
#include <map>
#include <string>

#include "tuki/core/status.hpp"

namespace tuki::app {

class role_names {
 public:
  /// Reads every dialogs_dir/lang/*.yaml that has a `roles:` map. A missing directory gives an
  /// empty table (role ids are then shown as they are).
  static core::result<role_names> load(const std::string& dialogs_dir);
  /// The name of `role` in `language`, falling back to English, then to the role id.
  std::string name(const std::string& role, const std::string& language) const;
  void set(const std::string& language, const std::string& role, const std::string& name);

 private:
  std::map<std::string, std::map<std::string, std::string>> names_;  // language -> role -> name
};

}  // namespace tuki::app
