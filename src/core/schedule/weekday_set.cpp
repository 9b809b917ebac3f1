#include "tuki/core/schedule/weekday_set.hpp"
#include "tuki/core/text/ascii_case.hpp"

#include <array>

namespace tuki::schedule {
namespace {
// Indexed by c_encoding (0 = Sunday).
constexpr std::array<std::string_view, 7> k_names{"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
}  // namespace

core::result<date::weekday> parse_weekday(std::string_view name) {
  if (name.size() == 3) {
    const std::string lower = core::ascii_lowercase(name);
    for (unsigned i = 0; i < k_names.size(); ++i) {
      if (k_names[i] == lower) return date::weekday{i};
    }
  }
  return core::status::invalid_argument(
      "expected a weekday (mon, tue, wed, thu, fri, sat, sun), "
      "got \"" +
      std::string(name) + "\"");
}

std::string to_string(weekday_set days) {
  std::string out;
  for (unsigned i = 1; i <= 7; ++i) {
    date::weekday d{i % 7};
    if (!days.contains(d)) continue;
    if (!out.empty()) out += ',';
    out += k_names[d.c_encoding()];
  }
  return out;
}

}  // namespace tuki::schedule
