#include "tuki/core/schedule/quiet_hours.hpp"

#include <algorithm>

#include "tuki/core/schedule/local_time.hpp"

namespace tuki::schedule {
namespace {
constexpr int k_search_days = 2 * 366;

bool day_allowed(date::local_days day, const quiet_hours& q, const holiday_calendar& holidays) {
  return q.weekdays.contains(date::weekday{day}) && !holidays.contains(day);
}
}  // namespace

bool is_allowed(core::instant t, const quiet_hours& q, const date::time_zone& tz,
                const holiday_calendar& holidays) {
  auto day = local_day(t, tz);
  if (!day_allowed(day, q, holidays)) return false;
  // Compare instants, not wall-clock times, so that DST days are right.
  return to_instant(day, q.send_from, tz) <= t && t < to_instant(day, q.send_until, tz);
}

std::optional<core::instant> next_allowed(core::instant due, const quiet_hours& q,
                                          const date::time_zone& tz,
                                          const holiday_calendar& holidays) {
  auto day = local_day(due, tz);
  for (int i = 0; i < k_search_days; ++i, day += date::days{1}) {
    if (!day_allowed(day, q, holidays)) continue;
    if (due < to_instant(day, q.send_until, tz)) {
      return std::max(due, to_instant(day, q.send_from, tz));
    }
  }
  return std::nullopt;
}

bool allowed_now(core::instant due, std::optional<core::instant> last_inbound, const quiet_hours& q,
                 const date::time_zone& tz, const holiday_calendar& holidays) {
  if (q.reply_window > std::chrono::minutes::zero() && last_inbound && *last_inbound <= due &&
      due - *last_inbound <= q.reply_window) {
    return true;
  }
  return is_allowed(due, q, tz, holidays);
}

}  // namespace tuki::schedule
