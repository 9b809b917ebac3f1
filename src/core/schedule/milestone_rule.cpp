#include "tuki/core/schedule/milestone_rule.hpp"

#include "tuki/core/schedule/local_time.hpp"

namespace tuki::schedule {

std::optional<core::instant> milestone_time(const milestone_rule& rule,
                                            date::year_month_day student_date,
                                            const date::time_zone& tz) {
  if (!student_date.ok()) return std::nullopt;
  auto day = date::local_days{student_date} + date::days{rule.offset.days};
  return to_instant(day, rule.offset.at, tz);
}

}  // namespace tuki::schedule
