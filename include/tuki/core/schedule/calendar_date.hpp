#pragma once
// A calendar date written as text, YYYY-MM-DD: how the store keeps every imported date (events, a
// student's start_date and other date columns). Imports also read day.month.year, as
// spreadsheets write dates in Finnish and other European locales (10.8.2026).
#include <optional>
#include <string>
#include <string_view>

#include <date/date.h>

namespace tuki::schedule {

/// The date `text` names when it is exactly YYYY-MM-DD (ten characters, digits and two dashes)
/// and that day exists: years 0001-9999 (there is no year 0), months 01-12, days that the month
/// has (2026-02-30 and 2026-02-29 do not exist, 2028-02-29 does). nullopt otherwise.
std::optional<date::year_month_day> parse_calendar_date(std::string_view text);

/// The date `text` names when it is D.M.YYYY, as Excel and LibreOffice write dates in Finnish and
/// other European locales: a day and a month of one or two digits and a four-digit year,
/// separated by dots (`10.8.2026`, `10.08.2026`, `1.9.2026`), and that day exists (`31.2.2026`
/// does not). Never month first. nullopt otherwise.
std::optional<date::year_month_day> parse_day_month_year(std::string_view text);

/// `ymd` as YYYY-MM-DD (parse_calendar_date reads it back).
std::string calendar_date_text(const date::year_month_day& ymd);

}  // namespace tuki::schedule
