#include "tuki/app/ticket_assignment.hpp"

#include <map>

namespace tuki::app {
namespace {

const std::map<std::string, std::vector<std::string>>& default_roles() {
  static const std::map<std::string, std::vector<std::string>> table{
      {"studies", {"special_needs_teacher", "teacher"}},
      {"wellbeing", {"social_worker", "nurse", "psychologist"}},
      {"life", {"social_worker"}},
      {"other", {"study_counsellor"}},
      {"crisis", {"psychologist", "nurse", "social_worker"}},
      {"no_reply", {"teacher"}},
      {"delivery_failed", {"study_counsellor"}},
  };
  return table;
}

bool serves_campus(const core::staff_member& m, const std::string& campus) {
  if (m.campuses.empty() || campus.empty()) return true;
  for (const auto& c : m.campuses)
    if (c == campus) return true;
  return false;
}

}  // namespace

assignment assign_ticket(const std::string& category, core::urgency urgency,
                         const core::student& student, const std::vector<core::staff_member>& staff,
                         const std::vector<long long>& open_counts,
                         const std::string& crisis_contact) {
  auto it = default_roles().find(category);
  std::vector<std::string> roles = it != default_roles().end() ? it->second
                                                                : std::vector<std::string>{"study_counsellor"};
  assignment out;
  if (category == "crisis" || urgency == core::urgency::urgent) {
    out.role = roles.front();
    for (std::size_t i = 0; i < staff.size(); ++i)
      for (const auto& r : roles)
        if (staff[i].has_role(r) && serves_campus(staff[i], student.campus)) {
          out.emails.push_back(staff[i].email);
          break;
        }
    if (!crisis_contact.empty()) out.emails.push_back(crisis_contact);
    return out;
  }
  // The student's own teacher is the `teacher` role when known.
  for (const auto& role : roles) {
    if (role == "teacher" && !student.teacher_email.empty() && roles.size() == 1) {
      out.role = role;
      out.emails.push_back(student.teacher_email);
      return out;
    }
  }
  long long best = -1;
  std::size_t best_i = 0;
  std::string best_role;
  for (int pass = 0; pass < 2 && best < 0; ++pass) {
    for (std::size_t i = 0; i < staff.size(); ++i) {
      if (pass == 0 && !serves_campus(staff[i], student.campus)) continue;
      for (const auto& r : roles) {
        if (!staff[i].has_role(r)) continue;
        long long open = i < open_counts.size() ? open_counts[i] : 0;
        if (best < 0 || open < best) {
          best = open;
          best_i = i;
          best_role = r;
        }
        break;
      }
    }
  }
  if (best >= 0) {
    out.role = best_role;
    out.emails.push_back(staff[best_i].email);
  } else if (!student.teacher_email.empty()) {
    out.role = "teacher";
    out.emails.push_back(student.teacher_email);
  } else {
    out.role = roles.front();
  }
  return out;
}

}  // namespace tuki::app
