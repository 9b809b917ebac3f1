// The store side of campaign planning: reading the candidates and writing the planned sends.
// Same contract as the rest of sqlite_store: store thread (or a CLI), inside the caller's
// transaction. Both run once per campaign over up to every student of an institution, so they
// are written for 100,000-1,000,000 rows: one cached statement each, rows in id order.
#include "tuki/adapters/store/sqlite_store.hpp"

namespace tuki::adapters {
namespace {

std::optional<core::instant> optional_instant(sqlite_statement& q, int column) {
  if (q.column_is_null(column)) return std::nullopt;
  return core::from_unix_ms(q.column_int(column));
}

// Planning columns first (0-8), then the profile (9-13).
const std::string planning_columns =
    "SELECT s.id, s.student_ref, s.first_name, s.language, s.timezone, s.opted_out, "
    "s.paused_until, s.last_checkin_at, (x.student_id IS NOT NULL)";
const std::string profile_columns = ", s.grp, s.campus, s.programme, s.start_date, s.extra";
const std::string candidate_from = " FROM students s LEFT JOIN sessions x ON x.student_id = s.id ";

// Walks `q` (bound, columns as planning_columns [+ profile_columns]) into `visit`, one reused row.
void walk_candidates(sqlite_statement& q, bool profile, const sqlite_store::candidate_visitor& visit) {
  campaign_candidate_row c;
  while (q.step()) {
    c.id = q.column_int(0);
    c.ref = q.column_text(1);
    c.first_name = q.column_text(2);
    c.language = q.column_text(3);
    c.timezone = q.column_text(4);
    c.opted_out = q.column_int(5) != 0;
    c.paused_until = optional_instant(q, 6);
    c.last_checkin = optional_instant(q, 7);
    c.active = q.column_int(8) != 0;
    if (profile) {
      c.group = q.column_text(9);
      c.campus = q.column_text(10);
      c.programme = q.column_text(11);
      c.start_date = q.column_text(12);
      c.extra_json = q.column_text(13);
    }
    visit(c);
  }
  q.reset();
}

}  // namespace

void sqlite_store::for_each_campaign_candidate(const std::string& institution_id,
                                               const std::string& selector,
                                               candidate_detail detail,
                                               const candidate_visitor& visit) {
  // "all" walks the table in rowid order (the unary + keeps SQLite off the (institution_id,
  // student_ref) index): rows arrive sorted by id, so there is no temporary B-tree sort and no
  // random lookup from the index into the table; measured 2-3x faster for 100,000 students.
  // A group, campus or student ref is a small part of the table: the index, then a sort.
  const bool profile = detail == candidate_detail::profile;
  const std::string columns = planning_columns + (profile ? profile_columns : std::string()) + candidate_from;
  auto& q = selector == "all"
                ? db_->prepare(columns + "WHERE +s.institution_id = ?1 ORDER BY s.id")
                : db_->prepare(columns +
                               "WHERE s.institution_id = ?1 AND "
                               "(s.grp = ?2 OR s.campus = ?2 OR s.student_ref = ?2) ORDER BY s.id");
  q.bind(1, institution_id);
  if (selector != "all") q.bind(2, selector);
  walk_candidates(q, profile, visit);
}

void sqlite_store::for_each_candidate_dated(const std::string& institution_id,
                                            const std::string& column, const std::string& first,
                                            const std::string& last,
                                            const candidate_visitor& visit) {
  const std::string columns = planning_columns + profile_columns + candidate_from;
  // The whole table is scanned either way (no index on the dates: it would slow every import),
  // but inside SQLite: about 0.2 s for 1,000,000 students, against 1.8 s to read them all out.
  // An extra column is a key of the `extra` JSON object; a name JSON paths cannot quote is not
  // filtered here (the caller checks every date it is given anyway).
  const bool in_extra = column != "start_date";
  const bool quotable = column.find_first_of("\"\\") == std::string::npos;
  if (in_extra && !quotable) {
    for_each_campaign_candidate(institution_id, "all", candidate_detail::profile, visit);
    return;
  }
  auto& q = db_->prepare(columns + (in_extra ? "WHERE +s.institution_id = ?1 AND "
                                               "json_extract(s.extra, ?4) BETWEEN ?2 AND ?3 ORDER BY s.id"
                                             : "WHERE +s.institution_id = ?1 AND "
                                               "s.start_date BETWEEN ?2 AND ?3 ORDER BY s.id"));
  q.bind(1, institution_id).bind(2, first).bind(3, last);
  if (in_extra) q.bind(4, "$.\"" + column + "\"");
  walk_candidates(q, true, visit);
}

void sqlite_store::for_each_candidate_in(const std::string& institution_id,
                                         std::span<const std::int64_t> ids,
                                         const candidate_visitor& visit) {
  auto& q = db_->prepare(planning_columns + profile_columns + candidate_from +
                         "WHERE s.id = ?1 AND s.institution_id = ?2");
  for (auto id : ids) {
    q.bind(1, id).bind(2, institution_id);
    walk_candidates(q, true, visit);  // one row or none; resets the statement
  }
}

std::vector<campaign_candidate_row> sqlite_store::campaign_candidates(
    const std::string& institution_id, const std::string& selector, candidate_detail detail) {
  std::vector<campaign_candidate_row> out;
  if (selector == "all") {
    // Sized once: growing the vector to 100,000 rows reallocated it 17 times and faulted in
    // fresh pages each time (measured: about a quarter of a 100,000-student campaign's time,
    // 420 -> 320 ms). The count walks the institution's index.
    auto& n = db_->prepare("SELECT COUNT(*) FROM students WHERE institution_id = ?1");
    n.bind(1, institution_id);
    if (n.step()) out.reserve(static_cast<std::size_t>(n.column_int(0)));
    n.reset();
  }
  for_each_campaign_candidate(institution_id, selector, detail,
                              [&out](const campaign_candidate_row& c) { out.push_back(c); });
  return out;
}

core::status sqlite_store::add_planned_sends(std::int64_t campaign_id,
                                             std::span<const planned_send_row> sends,
                                             core::instant now) {
  // Rows go in `rows_per_insert` at a time, one multi-row INSERT each: SQLite's cost per
  // statement run (bind, step, halt, the foreign-key bookkeeping, reset) then falls on 128 rows,
  // not one (callgrind, 100,000 rows into a table of 400,000: 12,900 -> 10,000 instructions a row).
  constexpr std::size_t rows_per_insert = 128;
  static const std::string many = [] {
    std::string sql = "INSERT INTO planned_sends (campaign_id, student_id, day, due_at, updated_at) VALUES ";
    for (std::size_t i = 0; i < rows_per_insert; ++i) sql += i ? ",(?,?,?,?,?)" : "(?,?,?,?,?)";
    return sql;
  }();
  const auto t = core::to_unix_ms(now);
  std::size_t done = 0;
  if (sends.size() >= rows_per_insert) {
    auto& q = db_->prepare(many);
    for (; done + rows_per_insert <= sends.size(); done += rows_per_insert) {
      int k = 0;  // the first parameter of the row
      for (const auto& p : sends.subspan(done, rows_per_insert)) {
        q.bind(k + 1, campaign_id).bind(k + 2, p.student_id).bind(k + 3, static_cast<std::int64_t>(p.day))
            .bind(k + 4, core::to_unix_ms(p.due)).bind(k + 5, t);
        k += 5;
      }
      if (auto s = q.run(); !s) return s;
    }
  }
  auto& one = db_->prepare(
      "INSERT INTO planned_sends (campaign_id, student_id, day, due_at, updated_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5)");
  for (const auto& p : sends.subspan(done)) {
    one.bind(1, campaign_id).bind(2, p.student_id).bind(3, static_cast<std::int64_t>(p.day))
        .bind(4, core::to_unix_ms(p.due)).bind(5, t);
    if (auto s = one.run(); !s) return s;
  }
  return core::status::ok();
}

}  // namespace tuki::adapters
