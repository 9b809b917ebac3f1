#pragma once
// One institution's schedule file (config/schedules/<institution>.yaml, `tuki_schedule: 1`):
// recurring check-ins, milestones, data triggers, holidays, quiet hours and fairness.
// The format is documented in docs/scheduling.md.
#include <string>
#include <string_view>
#include <vector>

#include <date/tz.h>

#include "tuki/core/schedule/campaign_plan.hpp"
#include "tuki/core/schedule/data_trigger.hpp"
#include "tuki/core/schedule/holiday_calendar.hpp"
#include "tuki/core/schedule/milestone_rule.hpp"
#include "tuki/core/schedule/quiet_hours.hpp"
#include "tuki/core/schedule/recurring_rule.hpp"
#include "tuki/core/status.hpp"

namespace tuki::schedule {

/// A loaded, validated schedule. Immutable after loading; safe to share across threads.
struct schedule_file {
  int version = 1;
  std::string institution;
  std::string time_zone_name;                  // e.g. "Europe/Helsinki"
  const date::time_zone* time_zone = nullptr;  // resolved; never null after loading
  quiet_hours quiet;                           // defaults when the section is absent
  holiday_calendar holidays;
  fairness fair;  // defaults when the section is absent
  std::vector<recurring_rule> recurring;
  std::vector<milestone_rule> milestones;
  std::vector<trigger_rule> triggers;

  /// Settings for plan_campaign from this file.
  campaign_settings campaign() const;
};

/// Parses and validates a schedule from YAML text. `file_name` is only used in messages.
/// Errors are invalid_argument with a located message:
///   `<file>:<line>:<column>: <key path>: <what is wrong>`
/// e.g. `varia.yaml:14:18: recurring[0].every_weeks: expected a whole number >= 1, got "two"`.
/// Lines and columns are 1-based. Unknown keys are errors (they are usually typos).
core::result<schedule_file> parse_schedule(std::string_view yaml, std::string_view file_name);

/// Reads `path` and parses it (start-up only: this reads the disk). io_error when unreadable.
core::result<schedule_file> load_schedule(const std::string& path);

}  // namespace tuki::schedule
