#include "tuki/core/schedule/holiday_calendar.hpp"

#include <algorithm>

namespace tuki::schedule {

holiday_calendar::holiday_calendar(std::vector<period> periods) : periods_(std::move(periods)) {
  std::erase_if(periods_, [](const period& p) { return p.first > p.last; });
  std::stable_sort(periods_.begin(), periods_.end(),
                   [](const period& a, const period& b) { return a.first < b.first; });
  for (const auto& p : periods_) {
    if (!merged_.empty() && p.first <= merged_.back().second + date::days{1}) {
      merged_.back().second = std::max(merged_.back().second, p.last);
    } else {
      merged_.emplace_back(p.first, p.last);
    }
  }
}

bool holiday_calendar::contains(date::local_days day) const { return length_at(day) > 0; }

int holiday_calendar::length_at(date::local_days day) const {
  auto it = std::upper_bound(merged_.begin(), merged_.end(), day,
                             [](date::local_days d, const auto& r) { return d < r.first; });
  if (it == merged_.begin()) return 0;
  --it;
  if (day > it->second) return 0;
  return static_cast<int>((it->second - it->first).count()) + 1;
}

}  // namespace tuki::schedule
