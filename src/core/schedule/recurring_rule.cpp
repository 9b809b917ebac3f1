#include "tuki/core/schedule/recurring_rule.hpp"

#include <algorithm>

#include "tuki/core/schedule/local_time.hpp"

namespace tuki::schedule {
namespace {
date::local_days iso_monday(date::local_days d) {
  return d - date::days{date::weekday{d}.iso_encoding() - 1};
}
}  // namespace

std::vector<core::instant> occurrences(const recurring_rule& rule, const date::time_zone& tz,
                                       core::instant from, core::instant to,
                                       const holiday_calendar& holidays) {
  std::vector<core::instant> out;
  if (!(from < to) || rule.every_weeks < 1 || rule.weekdays.empty()) return out;
  // One day of slack on each side: a local day's send may fall on the neighbouring UTC day.
  auto first = std::max(rule.first_day, local_day(from, tz) - date::days{1});
  auto last = std::min(rule.last_day, local_day(to, tz) + date::days{1});
  const auto anchor = iso_monday(rule.first_day);
  for (auto d = first; d <= last; d += date::days{1}) {
    if (!rule.weekdays.contains(date::weekday{d}) || holidays.contains(d)) continue;
    auto weeks = (iso_monday(d) - anchor).count() / 7;
    if (weeks % rule.every_weeks != 0) continue;
    auto t = to_instant(d, rule.at, tz);
    if (from <= t && t < to) out.push_back(t);
  }
  return out;
}

}  // namespace tuki::schedule
