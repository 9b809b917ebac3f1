#include "tuki/core/schedule/holiday_calendar.hpp"

#include <algorithm>
#include <iterator>

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

namespace {

bool weekend(date::local_days d) {
  const date::weekday wd{d};
  return wd == date::Saturday || wd == date::Sunday;
}

// Whether only Saturdays and Sundays lie strictly between `a` and `b` (a < b).
bool weekend_apart(date::local_days a, date::local_days b) {
  for (auto d = a + date::days{1}; d < b; d += date::days{1})
    if (!weekend(d)) return false;
  return true;
}

}  // namespace

holiday_calendar holiday_calendar::staff_holidays() const {
  std::vector<period> staff_away;
  std::copy_if(periods_.begin(), periods_.end(), std::back_inserter(staff_away),
               [](const period& p) { return !p.staff_at_work; });
  return holiday_calendar(std::move(staff_away));
}

bool holiday_calendar::contains(date::local_days day) const {
  auto it = std::upper_bound(merged_.begin(), merged_.end(), day,
                             [](date::local_days d, const auto& r) { return d < r.first; });
  if (it == merged_.begin()) return false;
  --it;
  return day <= it->second;
}

int holiday_calendar::weekdays_of_break_at(date::local_days day) const {
  if (!contains(day)) return 0;
  auto it = std::upper_bound(merged_.begin(), merged_.end(), day,
                             [](date::local_days d, const auto& r) { return d < r.first; });
  std::size_t last = static_cast<std::size_t>(std::distance(merged_.begin(), it)) - 1;
  std::size_t first = last;
  while (first > 0 && weekend_apart(merged_[first - 1].second, merged_[first].first)) --first;
  while (last + 1 < merged_.size() && weekend_apart(merged_[last].second, merged_[last + 1].first))
    ++last;
  int weekdays = 0;
  for (auto d = merged_[first].first; d <= merged_[last].second; d += date::days{1})
    weekdays += weekend(d) ? 0 : 1;
  return weekdays;
}

}  // namespace tuki::schedule
