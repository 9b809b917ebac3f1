#pragma once
// The test student most tests start from: s1 of institution `varia`, Aino, +358401234567, who
// writes in `language`. A test sets what else it needs (campus, group, teacher) on the copy.
#include <string>

#include "tuki/core/student.hpp"

namespace tuki::testing {

inline core::student aino(std::string language = "fi") {
  core::student s;
  s.institution_id = "varia";
  s.ref = "s1";
  s.phone = "+358401234567";
  s.first_name = "Aino";
  s.language = std::move(language);
  return s;
}

}  // namespace tuki::testing
