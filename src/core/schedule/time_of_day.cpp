#include "tuki/core/schedule/time_of_day.hpp"

#include <cstdio>

namespace tuki::schedule {

core::result<time_of_day> parse_time_of_day(std::string_view text, bool allow_end_of_day) {
  auto fail = [&] {
    return core::status::invalid_argument(std::string("expected a time \"HH:MM\" (00:00-") +
                                          (allow_end_of_day ? "24:00" : "23:59") + "), got \"" +
                                          std::string(text) + "\"");
  };
  auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 2 || text.size() != colon + 3) {
    return fail();
  }
  auto digits = [](std::string_view s, int& out) {
    out = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return false;
      out = out * 10 + (c - '0');
    }
    return true;
  };
  int h = 0;
  int m = 0;
  if (!digits(text.substr(0, colon), h) || !digits(text.substr(colon + 1), m)) return fail();
  if (m > 59) return fail();
  if (h > 23 && !(allow_end_of_day && h == 24 && m == 0)) return fail();
  return time_of_day::at(h, m);
}

std::string to_string(time_of_day t) {
  char buf[8];
  auto m = static_cast<int>(t.since_midnight.count());
  std::snprintf(buf, sizeof buf, "%02d:%02d", m / 60 % 100, m % 60);
  return buf;
}

}  // namespace tuki::schedule
