#pragma once
// A calendar date written as text, YYYY-MM-DD: how every imported date arrives (events, a
// student's start_date and other date columns) and how the store keeps them.
#include <optional>
#include <string_view>

#include <date/date.h>

namespace tuki::schedule {

/// The date `text` names when it is exactly YYYY-MM-DD (ten characters, digits and two dashes)
/// and that day exists: years 0001-9999 (there is no year 0), months 01-12, days that the month
/// has (2026-02-30 and 2026-02-29 do not exist, 2028-02-29 does). nullopt otherwise.
std::optional<date::year_month_day> parse_calendar_date(std::string_view text);

}  // namespace tuki::schedule
