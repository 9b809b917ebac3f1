#pragma once
// Which students a rule is for: everyone, or those in given groups, campuses and programmes.
#include <string>
#include <string_view>
#include <vector>

namespace tuki::schedule {

/// The attributes a rule can filter on, as imported with the students. Views: not owned.
struct student_attributes {
  std::string_view group;
  std::string_view campus;
  std::string_view programme;
};

/// An empty list means "any". A student matches when every non-empty list contains the student's
/// value (AND across attributes, OR within one list). Comparison is exact (case-sensitive), as ids
/// are. The default audience is all students.
struct audience {
  std::vector<std::string> groups;
  std::vector<std::string> campuses;
  std::vector<std::string> programmes;

  bool is_everyone() const { return groups.empty() && campuses.empty() && programmes.empty(); }
  bool matches(const student_attributes& s) const;
  friend bool operator==(const audience&, const audience&) = default;
};

}  // namespace tuki::schedule
