#include "tuki/core/schedule/audience.hpp"

#include <algorithm>

namespace tuki::schedule {
namespace {
bool any_or_listed(const std::vector<std::string>& list, std::string_view value) {
  return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
}
}  // namespace

bool audience::matches(const student_attributes& s) const {
  return any_or_listed(groups, s.group) && any_or_listed(campuses, s.campus) &&
         any_or_listed(programmes, s.programme);
}

}  // namespace tuki::schedule
