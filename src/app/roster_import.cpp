#include "tuki/app/roster_import.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "tuki/adapters/phone/phone_normalizer.hpp"
#include "tuki/app/csv_import_text.hpp"
#include "tuki/core/routing/staff_directory.hpp"
#include "tuki/core/schedule/milestone_rule.hpp"
#include "tuki/core/schedule/zone_cache.hpp"
#include "tuki/core/text/csv.hpp"
#include "tuki/core/text/email_address.hpp"
#include "tuki/core/text/utf8_validity.hpp"

namespace tuki::app {
namespace {

const std::set<std::string> languages{"fi", "sv", "en", "et", "lv", "lt"};

std::string_view trimmed(std::string_view s) {
  auto ws = [](unsigned char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (!s.empty() && ws(s.back())) s.remove_suffix(1);
  while (!s.empty() && ws(s.front())) s.remove_prefix(1);
  return s;
}

std::string trim(const std::string& s) { return std::string(trimmed(s)); }

// Longest cell values, in code points. A first name goes into SMS texts; anything else into
// staff emails and tickets, and none of them may be a runaway cell of a broken export.
constexpr std::size_t max_first_name = 64;
constexpr std::size_t max_text = 255;

// Appends "line 7: first_name: 80 characters; at most 64 are allowed" for a value that is too
// long. A value no longer in bytes than `max` is short enough (nearly all): one comparison.
void check_length(const std::string& at, const std::string& col, std::string_view v,
                  std::size_t max, std::vector<std::string>& errors) {
  if (v.size() <= max) return;
  if (auto n = core::utf8_code_points(v); n > max)
    errors.push_back(at + col + ": " + std::to_string(n) + " characters; at most " +
                     std::to_string(max) + " are allowed");
}

// A date cell as the store keeps it (YYYY-MM-DD, also from 10.8.2026); an error names the line
// and the column, and the cell is kept as it was. Empty stays empty.
std::string read_date(const std::string& at, const std::string& col, const std::string& v,
                      std::vector<std::string>& errors) {
  if (v.empty()) return v;
  auto d = import_date(v);
  if (d) return std::move(*d);
  errors.push_back(at + col + ": " + d.error().message());
  return v;
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    auto end = s.find(';', start);
    auto item = trim(s.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (!item.empty()) out.push_back(item);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

struct table {
  std::vector<std::string> header;
  std::vector<core::csv_row> rows;
};

core::result<table> read_table(std::string_view text, const std::vector<std::string>& required) {
  if (auto st = check_csv_encoding(text); !st) return st;
  auto reader = open_import_csv(text);
  table t;
  auto header = read_csv_header(reader, required);
  if (!header) return header.error();
  t.header = std::move(*header);
  core::csv_row row;
  while (next_import_row(reader, row)) t.rows.push_back(row);
  if (!reader.error().is_ok()) return reader.error();
  return t;
}

// "line 1: column 'phone' appears twice (columns 2 and 10)", one line per repeated name, or "".
// Either copy could be the right one (home and mobile numbers merged into one sheet), so the
// file is refused rather than one of them read. Empty names (Excel's trailing ';') may repeat.
std::string repeated_columns(const std::vector<std::string>& header, std::size_t line) {
  std::map<std::string, std::vector<std::size_t>> positions;  // name -> 1-based columns
  std::vector<std::string> order;
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i].empty()) continue;
    auto& at = positions[header[i]];
    if (at.size() == 1) order.push_back(header[i]);
    at.push_back(i + 1);
  }
  std::string out;
  for (const auto& name : order) {
    const auto& at = positions[name];
    std::string columns;
    for (std::size_t k = 0; k < at.size(); ++k)
      columns += (k == 0 ? "" : k + 1 == at.size() ? " and " : ", ") + std::to_string(at[k]);
    out += std::string(out.empty() ? "" : "\n") + "line " + std::to_string(line) + ": column '" +
           name + "' appears " +
           (at.size() == 2 ? std::string("twice") : std::to_string(at.size()) + " times") +
           " (columns " + columns + "); keep one of them";
  }
  return out;
}

core::status join_errors(const std::vector<std::string>& errors) {
  std::string all;
  std::size_t shown = 0;
  for (const auto& e : errors) {
    if (++shown > 50) {
      all += "\n... and " + std::to_string(errors.size() - 50) + " more";
      break;
    }
    all += (all.empty() ? "" : "\n") + e;
  }
  return core::status::invalid_argument(std::to_string(errors.size()) +
                                        " error(s), nothing imported:\n" + all);
}

}  // namespace

student_row_parser::student_row_parser(std::vector<std::string> header, std::string institution_id,
                                       std::string country, std::string default_language)
    : header_(std::move(header)),
      institution_id_(std::move(institution_id)),
      country_(std::move(country)),
      default_language_(std::move(default_language)) {
  for (std::size_t i = 0; i < header_.size(); ++i)
    if (header_[i] == "phone") phone_column_ = i;
}

std::string_view student_row_parser::phone_field(const core::csv_row& row) const {
  if (row.fields.size() != header_.size() || phone_column_ >= row.fields.size()) return {};
  return trimmed(row.fields[phone_column_]);
}

const std::vector<std::string>& student_row_parser::required_columns() {
  static const std::vector<std::string> required{"student_id", "phone",      "first_name",
                                                 "language",   "group",      "campus",
                                                 "start_date", "teacher_email", "timezone"};
  return required;
}

std::optional<core::student> student_row_parser::parse(
    const core::csv_row& row, std::vector<std::string>& errors,
    const core::result<std::string>* normalized_phone) const {
  std::string at = "line " + std::to_string(row.line) + ": ";
  if (row.fields.size() != header_.size()) {
    errors.push_back(at + "expected " + std::to_string(header_.size()) + " fields, got " +
                     std::to_string(row.fields.size()));
    return std::nullopt;
  }
  core::student s;
  s.institution_id = institution_id_;
  for (std::size_t i = 0; i < row.fields.size(); ++i) {
    const std::string& col = header_[i];
    std::string v = trim(row.fields[i]);
    check_length(at, col, v, col == "first_name" ? max_first_name : max_text, errors);
    if (col == "student_id") s.ref = v;
    else if (col == "phone") s.phone = v;
    else if (col == "first_name") s.first_name = v;
    else if (col == "language") s.language = v;
    else if (col == "group") s.group = v;
    else if (col == "campus") s.campus = v;
    else if (col == "programme") s.programme = v;
    else if (col == "start_date")
      s.start_date = read_date(at, col, v, errors);
    else if (col == "teacher_email") s.teacher_email = v;
    else if (col == "timezone") s.timezone = v;
    else {
      // Empty: the file clears the stored value.
      s.extra[col] = schedule::is_date_column(col) ? read_date(at, col, v, errors) : v;
    }
  }
  if (s.ref.empty()) errors.push_back(at + "student_id: is empty");
  if (auto p = normalized_phone ? *normalized_phone
                                : adapters::normalize_mobile_phone(s.phone, country_)) {
    s.phone = std::move(*p);
  } else {
    errors.push_back(at + "phone: " + p.error().message());
  }
  if (s.language.empty()) s.language = default_language_;
  if (!languages.count(s.language))
    errors.push_back(at + "language: '" + s.language + "' is not one of en, et, fi, lt, lv, sv");
  // An unknown zone would make every time for the student fall back to the institution's.
  if (!s.timezone.empty())
    if (auto z = schedule::find_zone(s.timezone); !z)
      errors.push_back(at + "timezone: " + z.error().message());
  if (!s.teacher_email.empty() && !core::is_email_address(s.teacher_email))
    errors.push_back(at + "teacher_email: '" + s.teacher_email + "' is not an email address");
  return s;
}

void duplicate_check::add(const core::student& s, std::size_t line, std::vector<std::string>& errors) {
  auto at = [line] { return "line " + std::to_string(line) + ": "; };
  if (!s.ref.empty())
    if (auto first = ids_.add(s.ref, line))
      errors.push_back(at() + "student_id: '" + s.ref + "' repeats line " + std::to_string(*first));
  if (!s.phone.empty() && s.phone[0] == '+')
    if (auto first = phones_.add(s.phone, line))
      errors.push_back(at() + "phone: the same number as line " + std::to_string(*first));
}

void duplicate_check::reserve(std::size_t rows) {
  ids_.reserve(rows);
  phones_.reserve(rows);
}

core::status errors_status(const std::vector<std::string>& errors) { return join_errors(errors); }

core::result<std::vector<std::string>> read_csv_header(core::csv_reader& reader,
                                                       const std::vector<std::string>& required) {
  core::csv_row row;
  if (!reader.next(row)) {
    if (!reader.error().is_ok()) return reader.error();
    return core::status::invalid_argument("the file is empty; expected a header line");
  }
  std::vector<std::string> header;
  for (auto& f : row.fields) header.push_back(trim(f));
  if (auto repeated = repeated_columns(header, row.line); !repeated.empty())
    return core::status::invalid_argument(repeated);
  std::vector<std::string> missing;
  for (const auto& r : required)
    if (std::find(header.begin(), header.end(), r) == header.end()) missing.push_back(r);
  if (!missing.empty()) {
    std::string m;
    for (const auto& x : missing) m += (m.empty() ? "" : ", ") + x;
    // A header mixing ',' and ';' (';' alone is read as the delimiter: open_import_csv).
    const bool semicolons = std::any_of(header.begin(), header.end(), [](const std::string& h) {
      return h.find(';') != std::string::npos;
    });
    if (semicolons)
      m += "; the header has both ',' and ';': separate all columns with ',', or all with ';'";
    return core::status::invalid_argument("line 1: header is missing column(s): " + m);
  }
  return header;
}

core::result<std::vector<core::student>> parse_students_csv(std::string_view text,
                                                            const std::string& institution_id,
                                                            const std::string& country,
                                                            const std::string& default_language) {
  if (auto st = check_csv_encoding(text); !st) return st;
  auto reader = open_import_csv(text);
  auto header = read_csv_header(reader, student_row_parser::required_columns());
  if (!header) return header.error();
  student_row_parser parser(*header, institution_id, country, default_language);
  duplicate_check dups;
  std::vector<std::string> errors;
  std::vector<core::student> out;
  core::csv_row row;
  while (next_import_row(reader, row)) {
    auto s = parser.parse(row, errors);
    if (!s) continue;
    dups.add(*s, row.line, errors);
    out.push_back(std::move(*s));
  }
  if (!reader.error().is_ok()) errors.push_back(reader.error().message());
  if (!errors.empty()) return join_errors(errors);
  return out;
}

const std::vector<std::string>& builtin_staff_roles() {
  static const std::vector<std::string> roles{
      "coordinator",      "nurse",  "psychologist", "social_worker", "special_needs_teacher",
      "study_counsellor", "teacher"};
  return roles;
}

core::result<std::vector<core::staff_member>> parse_staff_csv(
    std::string_view text, const std::string& institution_id, const std::string& country,
    const std::vector<std::string>& roles) {
  const std::vector<std::string>& accepted = roles.empty() ? builtin_staff_roles() : roles;
  const std::set<std::string> known(accepted.begin(), accepted.end());
  std::string listed;
  for (const auto& r : accepted) listed += (listed.empty() ? "" : ", ") + r;
  static const std::vector<std::string> required{"email", "name", "roles", "campuses", "groups", "phone"};
  auto t = read_table(text, required);
  if (!t) return t.error();
  std::vector<std::string> errors;
  std::vector<core::staff_member> out;
  std::map<std::string, std::size_t> seen;  // lower-case email -> first line
  for (const auto& row : t->rows) {
    std::string at = "line " + std::to_string(row.line) + ": ";
    if (row.fields.size() != t->header.size()) {
      errors.push_back(at + "expected " + std::to_string(t->header.size()) + " fields, got " +
                       std::to_string(row.fields.size()));
      continue;
    }
    core::staff_member m;
    m.institution_id = institution_id;
    for (std::size_t i = 0; i < row.fields.size(); ++i) {
      const std::string& col = t->header[i];
      std::string v = trim(row.fields[i]);
      if (col == "email" || col == "name") check_length(at, col, v, max_text, errors);
      // Emails are one person whatever their case: stored and compared in lower case.
      if (col == "email") m.email = routing::normalize_email(v);
      else if (col == "name") m.name = v;
      else if (col == "roles") m.roles = split_list(v);
      else if (col == "campuses") m.campuses = split_list(v);
      else if (col == "groups") m.groups = split_list(v);
      else if (col == "phone") m.phone = v;
    }
    if (!core::is_email_address(m.email))
      errors.push_back(at + "email: '" + m.email + "' is not an email address");
    else if (auto [first, fresh] = seen.emplace(m.email, row.line); !fresh)
      errors.push_back(at + "email: '" + m.email + "' appears twice (first at line " +
                       std::to_string(first->second) + "; case is ignored)");
    if (m.roles.empty()) errors.push_back(at + "roles: at least one role is required");
    for (const auto& r : m.roles)
      if (!known.count(r))
        errors.push_back(at + "roles: unknown role '" + r + "'; the roles are " + listed +
                         " (case matters; a role of your own must first be in the institution's "
                         "routing file, docs/routing.md)");
    if (!m.phone.empty()) {
      if (auto p = adapters::normalize_phone(m.phone, country)) m.phone = *p;
      else errors.push_back(at + "phone: " + p.error().message());
    }
    out.push_back(std::move(m));
  }
  if (!errors.empty()) return join_errors(errors);
  return out;
}

}  // namespace tuki::app
