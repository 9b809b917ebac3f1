#include "tuki/core/schedule/day_offset.hpp"

#include <vector>

namespace tuki::schedule {
namespace {
constexpr int k_max_days = 3660;

std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    auto start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}
}  // namespace

core::result<day_offset> parse_offset(std::string_view text) {
  auto fail = [&](std::string why) {
    return core::status::invalid_argument("invalid offset \"" + std::string(text) + "\": " + why);
  };
  auto w = words(text);
  if (w.empty()) return fail("expected e.g. \"+14 days at 10:00\" or \"-7 days\"");

  std::string_view number = w[0];
  int sign = 0;
  if (number.front() == '+' || number.front() == '-') {
    sign = number.front() == '+' ? 1 : -1;
    number.remove_prefix(1);
  }
  if (number.empty()) return fail("expected a number of days after the sign");
  long n = 0;
  for (char c : number) {
    if (c < '0' || c > '9')
      return fail("expected a whole number, got \"" + std::string(w[0]) + "\"");
    n = n * 10 + (c - '0');
    if (n > k_max_days) return fail("more than 3660 days");
  }
  if (sign == 0 && n != 0) return fail("expected a sign '+' or '-' before the number");
  if (w.size() < 2) return fail("expected a unit (days or weeks) after the number");
  int unit = 0;
  if (w[1] == "day" || w[1] == "days")
    unit = 1;
  else if (w[1] == "week" || w[1] == "weeks")
    unit = 7;
  else
    return fail("expected a unit (days or weeks), got \"" + std::string(w[1]) + "\"");
  long days = n * unit;
  if (days > k_max_days) return fail("more than 3660 days");

  day_offset out;
  out.days = static_cast<int>(sign < 0 ? -days : days);
  if (w.size() == 2) return out;
  if (w[2] != "at")
    return fail("expected \"at HH:MM\" after the unit, got \"" + std::string(w[2]) + "\"");
  if (w.size() < 4) return fail("expected a time after \"at\"");
  if (w.size() > 4) return fail("unexpected \"" + std::string(w[4]) + "\" after the time");
  auto at = parse_time_of_day(w[3]);
  if (!at) return fail(at.error().message());
  out.at = *at;
  return out;
}

std::string to_string(const day_offset& o) {
  return std::string(o.days < 0 ? "-" : "+") + std::to_string(o.days < 0 ? -o.days : o.days) +
         (o.days == 1 || o.days == -1 ? " day at " : " days at ") + to_string(o.at);
}

}  // namespace tuki::schedule
