#include "tuki/core/schedule/calendar_date.hpp"

#include <cstdio>

namespace tuki::schedule {

std::optional<date::year_month_day> parse_calendar_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto number = [&](std::size_t from, std::size_t len) {
    int n = 0;
    for (std::size_t i = from; i < from + len; ++i) {
      if (text[i] < '0' || text[i] > '9') return -1;
      n = n * 10 + (text[i] - '0');
    }
    return n;
  };
  const int y = number(0, 4), m = number(5, 2), d = number(8, 2);
  if (y < 1 || m < 0 || d < 0) return std::nullopt;
  const date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(m)},
                                 date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

std::optional<date::year_month_day> parse_day_month_year(std::string_view text) {
  // Reads 1 to `most` digits ending at a '.' (or at the end when `last`), from `at` on.
  auto number = [&](std::size_t& at, std::size_t least, std::size_t most, bool last) {
    int n = 0;
    std::size_t digits = 0;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9' && digits < most) {
      n = n * 10 + (text[at++] - '0');
      ++digits;
    }
    if (digits < least) return -1;
    if (last) return at == text.size() ? n : -1;
    if (at >= text.size() || text[at] != '.') return -1;
    ++at;
    return n;
  };
  std::size_t at = 0;
  const int d = number(at, 1, 2, false);
  const int m = d < 0 ? -1 : number(at, 1, 2, false);
  const int y = m < 0 ? -1 : number(at, 4, 4, true);
  if (d < 0 || m < 0 || y < 1) return std::nullopt;
  const date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(m)},
                                 date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

std::string calendar_date_text(const date::year_month_day& ymd) {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return text;
}

}  // namespace tuki::schedule
