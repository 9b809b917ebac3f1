#pragma once
// A set of weekdays ("mon", "tue", ...), as allowed sending days or the days of a recurring rule.
#include <cstdint>
#include <string>
#include <string_view>

#include <date/date.h>

#include "tuki/core/status.hpp"

namespace tuki::schedule {

/// A bit set of weekdays; cheap to copy. Default: empty.
class weekday_set {
 public:
  constexpr weekday_set() = default;
  static constexpr weekday_set all() { return weekday_set{0x7f}; }
  /// Monday to Friday.
  static constexpr weekday_set work_days() { return weekday_set{0x3e}; }

  constexpr weekday_set& add(date::weekday d) {
    bits_ |= static_cast<std::uint8_t>(1u << d.c_encoding());
    return *this;
  }
  constexpr bool contains(date::weekday d) const { return (bits_ >> d.c_encoding()) & 1u; }
  constexpr bool empty() const { return bits_ == 0; }
  friend constexpr bool operator==(weekday_set, weekday_set) = default;

 private:
  constexpr explicit weekday_set(std::uint8_t bits) : bits_(bits) {}
  std::uint8_t bits_ = 0;  // bit n = date::weekday with c_encoding n (0 = Sunday)
};

/// Parses an English three-letter weekday name, case-insensitive: "mon" ... "sun".
core::result<date::weekday> parse_weekday(std::string_view name);

/// "mon,tue" in Monday-first order; "" for an empty set.
std::string to_string(weekday_set days);

}  // namespace tuki::schedule
