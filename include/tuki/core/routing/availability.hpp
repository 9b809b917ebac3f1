#pragma once
// Whether a staff member can take a ticket at a given moment: absences (local calendar days) and
// working hours (local weekly slots). Local time comes from an IANA zone resolved at load time;
// converting with an already-loaded zone reads no files.
#include <chrono>

#include "tuki/core/instant.hpp"
#include "tuki/core/routing/staff_directory.hpp"

namespace date {
class time_zone;
}

namespace tuki::routing {

/// A moment in the institution's local time.
struct local_moment {
  std::chrono::sys_days day;  // the local calendar date
  unsigned iso_weekday = 1;   // 1 = Monday ... 7 = Sunday
  std::chrono::minutes minute_of_day{0};
};

/// `zone` null means UTC.
local_moment to_local(core::instant t, const date::time_zone* zone);

bool is_absent(const staff_member& s, std::chrono::sys_days local_day);
/// True when inside one of the slots, or when the member has no working hours configured.
bool in_working_hours(const staff_member& s, const local_moment& m);

}  // namespace tuki::routing
