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

const std::string candidate_columns =
    "SELECT s.id, s.student_ref, s.first_name, s.language, s.grp, s.campus, s.programme, "
    "s.timezone, s.start_date, s.extra, s.opted_out, s.paused_until, s.last_checkin_at, "
    "(x.student_id IS NOT NULL) FROM students s LEFT JOIN sessions x ON x.student_id = s.id ";

}  // namespace

std::vector<campaign_candidate_row> sqlite_store::campaign_candidates(
    const std::string& institution_id, const std::string& selector) {
  // "all" walks the table in rowid order (the unary + keeps SQLite off the (institution_id,
  // student_ref) index): rows arrive sorted by id, so there is no temporary B-tree sort and no
  // random lookup from the index into the table; measured 2-3x faster for 100,000 students.
  // A group, campus or student ref is a small part of the table: the index, then a sort.
  auto& q = selector == "all"
                ? db_->prepare(candidate_columns + "WHERE +s.institution_id = ?1 ORDER BY s.id")
                : db_->prepare(candidate_columns +
                               "WHERE s.institution_id = ?1 AND "
                               "(s.grp = ?2 OR s.campus = ?2 OR s.student_ref = ?2) ORDER BY s.id");
  q.bind(1, institution_id);
  if (selector != "all") q.bind(2, selector);
  std::vector<campaign_candidate_row> out;
  while (q.step()) {
    auto& c = out.emplace_back();
    c.id = q.column_int(0);
    c.ref = q.column_text(1);
    c.first_name = q.column_text(2);
    c.language = q.column_text(3);
    c.group = q.column_text(4);
    c.campus = q.column_text(5);
    c.programme = q.column_text(6);
    c.timezone = q.column_text(7);
    c.start_date = q.column_text(8);
    c.extra_json = q.column_text(9);
    c.opted_out = q.column_int(10) != 0;
    c.paused_until = optional_instant(q, 11);
    c.last_checkin = optional_instant(q, 12);
    c.active = q.column_int(13) != 0;
  }
  q.reset();
  return out;
}

core::status sqlite_store::add_planned_sends(std::int64_t campaign_id,
                                             std::span<const planned_send_row> sends,
                                             core::instant now) {
  // One cached statement, re-bound per row: no SQL text, no allocation per send.
  auto& q = db_->prepare(
      "INSERT INTO planned_sends (campaign_id, student_id, day, due_at, updated_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5)");
  const auto t = core::to_unix_ms(now);
  for (const auto& p : sends) {
    q.bind(1, campaign_id).bind(2, p.student_id).bind(3, static_cast<std::int64_t>(p.day))
        .bind(4, core::to_unix_ms(p.due)).bind(5, t);
    if (auto s = q.run(); !s) return s;
  }
  return core::status::ok();
}

}  // namespace tuki::adapters
