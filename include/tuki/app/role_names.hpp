#pragma once
// Staff role names as students read them ("kuraattori", "school social worker"), per language,
// from the `roles:` section of dialogs/lang/<lang>.yaml (docs/lexicons.md). Used to fill
// {staff_role}, and to name roles in what staff read (staff_name). `roles.staff_member` is each
// language's phrase for a role without a name there (a role an operator added in a routing
// file): students never read a raw role id.
#include <map>
#include <string>

#include "tuki/core/status.hpp"

namespace tuki::app {

class role_names {
 public:
  /// The key of the generic phrase ("a staff member") in `roles:`.
  static constexpr const char* generic_role = "staff_member";

  /// Reads every dialogs_dir/lang/*.yaml that has a `roles:` map. A missing directory gives an
  /// empty table (role ids are then shown as they are).
  static core::result<role_names> load(const std::string& dialogs_dir);
  /// The same for the lexicon directory itself (`tuki dialogs check --lang-dir`).
  static core::result<role_names> load_lang_dir(const std::string& lang_dir);
  /// The name of `role` in `language`; else that language's generic phrase (staff_member); else
  /// the same two in English; else the role id.
  std::string name(const std::string& role, const std::string& language) const;
  /// The name of `role` for staff (emails, action-link pages): its name in `language`; else its
  /// English name; else the role id itself. Unlike name(), never the generic phrase: staff must
  /// be able to tell roles apart ("Reassign: staff member" would not say to whom), and a role id
  /// is configuration staff may see, unlike students.
  std::string staff_name(const std::string& role, const std::string& language) const;
  /// Whether `language` names `role` itself (not through the generic phrase or English).
  bool has_name(const std::string& role, const std::string& language) const;
  /// The file `language`'s names were read from; empty when there is none.
  std::string file_of(const std::string& language) const;
  void set(const std::string& language, const std::string& role, const std::string& name);

 private:
  /// The name `language` gives `role` itself; null when none.
  const std::string* own_name(const std::string& role, const std::string& language) const;

  std::map<std::string, std::map<std::string, std::string>> names_;  // language -> role -> name
  std::map<std::string, std::string> files_;                         // language -> file
};

}  // namespace tuki::app
