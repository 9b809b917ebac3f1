#include "tuki/core/routing/availability.hpp"

#include <date/tz.h>

namespace tuki::routing {

local_moment to_local(core::instant t, const date::time_zone* zone) {
  using namespace std::chrono;
  const auto secs = floor<seconds>(t);
  const sys_seconds sys{secs.time_since_epoch()};
  seconds local_since_epoch = sys.time_since_epoch();
  if (zone != nullptr) {
    const auto info = zone->get_info(date::sys_seconds{sys.time_since_epoch()});
    local_since_epoch += info.offset;
  }
  const sys_seconds local{local_since_epoch};
  const auto day = floor<days>(local);
  local_moment m;
  m.day = day;
  m.iso_weekday = weekday{day}.iso_encoding();
  m.minute_of_day = duration_cast<minutes>(local - day);
  return m;
}

bool is_absent(const staff_member& s, std::chrono::sys_days local_day) {
  for (const auto& a : s.absences) {
    if (a.from <= local_day && local_day <= a.to) return true;
  }
  return false;
}

bool in_working_hours(const staff_member& s, const local_moment& m) {
  if (s.working_hours.empty()) return true;
  for (const auto& slot : s.working_hours) {
    if (slot.days[m.iso_weekday - 1] && slot.from <= m.minute_of_day && m.minute_of_day < slot.to) {
      return true;
    }
  }
  return false;
}

}  // namespace tuki::routing
