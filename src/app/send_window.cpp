#include "tuki/app/send_window.hpp"

#include "tuki/app/scheduler.hpp"

#include "tuki/core/schedule/quiet_hours.hpp"
#include "tuki/core/schedule/zone_cache.hpp"

namespace tuki::app {

send_gate quiet_hours_gate(const scheduler& sched) {
  return [&sched](const core::student& student, std::optional<core::instant> last_inbound,
                  core::instant now) -> std::optional<core::instant> {
    const auto* s = sched.schedule_of(student.institution_id);
    if (!s || !s->time_zone) return std::nullopt;
    schedule::zone_cache zones;
    const date::time_zone* zone = zones.find_or(student.timezone, s->time_zone);
    if (schedule::allowed_now(now, last_inbound, s->quiet, *zone, s->holidays)) return std::nullopt;
    // No allowed day within two years (every weekday excluded): hold for a day and ask again,
    // rather than texting at night; the operator sees the reminders wait.
    return schedule::next_allowed(now, s->quiet, *zone, s->holidays)
        .value_or(now + std::chrono::hours(24));
  };
}

}  // namespace tuki::app
