#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "tuki/core/instant.hpp"

namespace tuki::core {

/// A student as imported from the institution's roster. `phone` is E.164.
struct student {
  std::int64_t id = 0;          // tuki's row id (0 before it is stored)
  std::string institution_id;
  std::string ref;              // the institution's student_id
  std::string phone;
  std::string first_name;
  std::string language;         // preferred language (fi, sv, en, et, lv, lt)
  std::string group;
  std::string campus;
  std::string programme;
  std::string start_date;       // YYYY-MM-DD
  std::string teacher_email;
  std::string timezone;         // IANA zone; empty: the institution's
  std::map<std::string, std::string> extra;  // other imported columns (e.g. internship_start)
  bool opted_out = false;
  std::optional<instant> paused_until;

  /// Paused at `now`: a pause whose end has passed is over, though the row keeps its date.
  bool paused_at(instant now) const { return paused_until && *paused_until > now; }
  /// Gets what tuki starts at `now`: neither opted out (STOP) nor paused.
  bool receiving_at(instant now) const { return !opted_out && !paused_at(now); }
};

}  // namespace tuki::core
