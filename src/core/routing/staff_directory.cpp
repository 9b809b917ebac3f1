#include "tuki/core/routing/staff_directory.hpp"

#include <algorithm>

#include "tuki/core/text/email_address.hpp"

namespace tuki::routing {

bool staff_member::has_role(std::string_view role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

std::string normalize_email(std::string_view email) {
  std::string out(email);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

core::status staff_directory::add(staff_member member) {
  member.email = normalize_email(member.email);
  member.backup_email = normalize_email(member.backup_email);
  if (!core::is_email_address(member.email)) {
    return core::status::invalid_argument("staff email '" + member.email + "' is not an address");
  }
  if (departed(member.email)) {
    return core::status::invalid_argument("staff " + member.email + " has left (deactivated)");
  }
  if (by_email_.count(member.email)) {
    return core::status::already_exists("staff " + member.email + " is listed twice");
  }
  const std::size_t index = members_.size();
  by_email_.emplace(member.email, index);
  for (const auto& role : member.roles) {
    auto& list = by_role_[role];
    if (list.empty() || list.back() != index) list.push_back(index);
  }
  members_.push_back(std::move(member));
  return core::status::ok();
}

void staff_directory::add_departed(std::string_view email) {
  auto e = normalize_email(email);
  if (!e.empty() && !departed(e)) departed_.push_back(std::move(e));
}

bool staff_directory::departed(std::string_view email) const {
  if (departed_.empty()) return false;
  return std::find(departed_.begin(), departed_.end(), normalize_email(email)) != departed_.end();
}

const staff_member* staff_directory::find(std::string_view email) const {
  auto it = by_email_.find(normalize_email(email));
  return it == by_email_.end() ? nullptr : &members_[it->second];
}

const std::vector<std::size_t>& staff_directory::holders(std::string_view role) const {
  static const std::vector<std::size_t> none;
  auto it = by_role_.find(std::string(role));
  return it == by_role_.end() ? none : it->second;
}

}  // namespace tuki::routing
