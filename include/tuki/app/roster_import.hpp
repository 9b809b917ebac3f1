#pragma once
// Reads the students and staff CSV files of an institution. Every row is checked before anything
// is stored; errors are numbered by the row's line ("line 7: phone: '12' is not a valid number
// for FI") and all of them are reported at once, so a file is never half imported.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tuki/app/first_seen.hpp"
#include "tuki/core/text/csv.hpp"

#include "tuki/core/staff_member.hpp"
#include "tuki/core/status.hpp"
#include "tuki/core/student.hpp"

namespace tuki::app {

/// Required header: student_id,phone,first_name,language,group,campus,start_date,teacher_email,
/// timezone. Extra columns (e.g. programme, internship_start) are kept, an empty cell as an empty
/// value (the store then removes the stored one); date columns (start_date, *_date, *_start,
/// *_end) must be days that exist, YYYY-MM-DD or D.M.YYYY (`10.8.2026`), and are kept as
/// YYYY-MM-DD. Rows of separators only (`;;;;`) are skipped like blank lines. first_name is
/// at most 64 code points, other cells 255. `country` normalises phone numbers;
/// `default_language` fills an empty language. The text must be UTF-8 and may be ';'-separated
/// (csv_import_text.hpp).
core::result<std::vector<core::student>> parse_students_csv(std::string_view text,
                                                            const std::string& institution_id,
                                                            const std::string& country,
                                                            const std::string& default_language);

/// Reads and checks the header line; names the missing columns, and refuses a column name that
/// appears twice with both positions ("line 1: column 'phone' appears twice (columns 2 and 10)").
core::result<std::vector<std::string>> read_csv_header(core::csv_reader& reader,
                                                       const std::vector<std::string>& required);

/// Checks and converts one students CSV row; appends line-numbered errors. Returns the student
/// (possibly with errors appended, for the duplicate check) or nullopt when the row has the wrong
/// number of fields. Thread-safe (const): the import pipeline runs it on several threads.
class student_row_parser {
 public:
  student_row_parser(std::vector<std::string> header, std::string institution_id,
                     std::string country, std::string default_language);
  static const std::vector<std::string>& required_columns();
  /// `normalized_phone`: what normalize_mobile_phone gives for phone_field(row) in the
  /// institution's country, when the caller has it already (worker processes, phone_workers.hpp);
  /// else the number is normalised here.
  std::optional<core::student> parse(const core::csv_row& row, std::vector<std::string>& errors,
                                     const core::result<std::string>* normalized_phone = nullptr) const;
  /// The row's phone number as parse() reads it (trimmed); empty for a row of the wrong width.
  std::string_view phone_field(const core::csv_row& row) const;

 private:
  std::vector<std::string> header_;
  std::string institution_id_, country_, default_language_;
  std::size_t phone_column_ = static_cast<std::size_t>(-1);
};

/// Finds repeated student ids and phone numbers across a whole file (rows in file order).
class duplicate_check {
 public:
  void add(const core::student& s, std::size_t line, std::vector<std::string>& errors);
  /// Whether a row added so far has the student id `ref`.
  bool has_id(std::string_view ref) const { return ids_.find(ref).has_value(); }
  /// Room for `rows` students without rehashing as the maps grow (an import of a million rows
  /// spent a tenth of its writer's time rehashing).
  void reserve(std::size_t rows);

 private:
  // A million-row file makes two million lookups here.
  first_seen ids_, phones_;
};

/// "N error(s), nothing imported:" followed by the first 50 errors.
core::status errors_status(const std::vector<std::string>& errors);

/// The seven roles tuki knows without a routing file, sorted: coordinator, nurse, psychologist,
/// social_worker, special_needs_teacher, study_counsellor, teacher.
const std::vector<std::string>& builtin_staff_roles();

/// Required header: email,name,roles,campuses,groups,phone (lists separated by ';'). Emails come
/// back in lower case; two rows with one email in any case are an error. `roles`: the roles a row
/// may give (institution_routing.hpp's staff_roles_of: the built-in ones and those of the
/// institution's routing file); empty means builtin_staff_roles(). An unknown role's error
/// lists them.
core::result<std::vector<core::staff_member>> parse_staff_csv(
    std::string_view text, const std::string& institution_id, const std::string& country,
    const std::vector<std::string>& roles = {});

}  // namespace tuki::app
