#pragma once
// Who gets a new ticket. The routing rules of core/routing decide; this adapts their answer to
// the staff stored for the institution.
#include <string>
#include <vector>

#include "tuki/core/staff_member.hpp"
#include "tuki/core/student.hpp"
#include "tuki/core/urgency.hpp"

namespace tuki::app {

struct assignment {
  std::string role;                 // the role that takes the ticket
  std::vector<std::string> emails;  // who is told (several for crisis)
};

/// The default table (docs/routing.md): studies -> special_needs_teacher|teacher, wellbeing ->
/// social_worker|nurse|psychologist, life -> social_worker, other -> study_counsellor, crisis ->
/// every psychologist, nurse and social_worker plus the crisis contact, no_reply -> teacher,
/// delivery_failed -> study_counsellor; anything else -> study_counsellor. Among eligible staff
/// the one with the fewest open tickets is chosen (ties: the lowest id). Staff of the student's
/// campus go first when there are any.
assignment assign_ticket(const std::string& category, core::urgency urgency,
                         const core::student& student, const std::vector<core::staff_member>& staff,
                         const std::vector<long long>& open_counts,
                         const std::string& crisis_contact);

}  // namespace tuki::app
