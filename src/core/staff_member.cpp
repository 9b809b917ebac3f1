#include "tuki/core/staff_member.hpp"

#include <algorithm>

namespace tuki::core {

bool staff_member::has_role(const std::string& role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

}  // namespace tuki::core
