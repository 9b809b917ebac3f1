#include "tuki/core/schedule/milestone_rule.hpp"

#include "tuki/core/schedule/local_time.hpp"

namespace tuki::schedule {

bool is_date_column(std::string_view column) {
  return column.size() > 5 &&
         (column.ends_with("_date") || column.ends_with("_start") || column.ends_with("_end"));
}

std::optional<core::instant> milestone_time(const milestone_rule& rule,
                                            date::year_month_day student_date,
                                            const date::time_zone& tz) {
  if (!student_date.ok()) return std::nullopt;
  auto day = date::local_days{student_date} + date::days{rule.offset.days};
  return to_instant(day, rule.offset.at, tz);
}

std::pair<date::year_month_day, date::year_month_day> milestone_dates_in_reach(
    const milestone_rule& rule, core::instant now, std::chrono::days lookback) {
  // Due = local midnight of (date + offset) plus the time of day, in a zone 12 h behind to 14 h
  // ahead of UTC: within a day and 14 h either side of UTC midnight of that local day. Two days
  // of margin cover that and the time of day.
  const auto from_day = date::floor<date::days>(now - lookback);
  const auto to_day = date::floor<date::days>(now);
  const date::days offset{rule.offset.days};
  return {date::year_month_day{from_day - date::days{2} - offset},
          date::year_month_day{to_day + date::days{2} - offset}};
}

}  // namespace tuki::schedule
