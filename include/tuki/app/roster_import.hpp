#pragma once
// Reads the students and staff CSV files of an institution. Every row is checked before anything
// is stored; errors are numbered by the row's line ("line 7: phone: '12' is not a valid number
// for FI") and all of them are reported at once, so a file is never half imported.
#include <string>
#include <string_view>
#include <vector>

#include "tuki/core/staff_member.hpp"
#include "tuki/core/status.hpp"
#include "tuki/core/student.hpp"

namespace tuki::app {

/// Required header: student_id,phone,first_name,language,group,campus,start_date,teacher_email,
/// timezone. Extra columns (e.g. programme, internship_start) are kept; date columns must be
/// YYYY-MM-DD. `country` normalises phone numbers; `default_language` fills an empty language.
core::result<std::vector<core::student>> parse_students_csv(std::string_view text,
                                                            const std::string& institution_id,
                                                            const std::string& country,
                                                            const std::string& default_language);

/// Required header: email,name,roles,campuses,groups,phone (lists separated by ';').
core::result<std::vector<core::staff_member>> parse_staff_csv(std::string_view text,
                                                              const std::string& institution_id,
                                                              const std::string& country);

}  // namespace tuki::app
