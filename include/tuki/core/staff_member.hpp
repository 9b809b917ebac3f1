#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace tuki::core {

/// A staff member who can receive routed tickets.
struct staff_member {
  std::int64_t id = 0;
  std::string institution_id;
  std::string email;
  std::string name;
  std::vector<std::string> roles;     // teacher, special_needs_teacher, study_counsellor, ...
  std::vector<std::string> campuses;  // empty: all
  std::vector<std::string> groups;    // empty: all
  std::string phone;                  // E.164 or empty
  /// False once deactivated (left the institution): kept, because tickets and their history
  /// name them, but never routed to again (staff_directory::add_departed).
  bool active = true;

  bool has_role(const std::string& role) const;
};

}  // namespace tuki::core
