// Writing students: the upsert rules, in one place, and the staging table that lets the students
// import write a million rows in short transactions (student_import.hpp).
//
// Rows are staged in a TEMP table of this connection. A TEMP table lives in the connection's own
// temporary database, so staging takes no lock of the database file: the import stages the
// whole file while it checks it, with `tuki serve` writing beside it, and copies it into
// `students` only when every row passed. The copy is two statements over a range of staged rows
// (UPDATE ... FROM for students stored already, INSERT ... SELECT for new ones), so a chunk of
// 4,096 rows costs two statements rather than 4,096. upsert_student stages its one row and copies
// it the same way: the rules below are the only ones.
#include <nlohmann/json.hpp>

#include "tuki/adapters/store/savepoint.hpp"
#include "tuki/adapters/store/sqlite_store.hpp"

namespace tuki::adapters {
namespace {

// Created on a connection's first use of the stage (ensure_student_stage). `fresh`: the extra values of a new row
// (non-empty ones); `patch`: a JSON merge patch for a stored row (RFC 7396: null removes a key,
// keys not named stay).
constexpr char create_stage[] =
    "CREATE TEMP TABLE IF NOT EXISTS student_stage (seq INTEGER PRIMARY KEY, line INTEGER NOT "
    "NULL, institution_id TEXT NOT NULL, student_ref TEXT NOT NULL, phone TEXT NOT NULL, "
    "first_name TEXT NOT NULL, language TEXT NOT NULL, grp TEXT NOT NULL, campus TEXT NOT NULL, "
    "programme TEXT NOT NULL, start_date TEXT NOT NULL, teacher_email TEXT NOT NULL, timezone "
    "TEXT NOT NULL, fresh TEXT NOT NULL, patch TEXT NOT NULL)";

// Stored students named by staged rows ?1..?2 take the rows' values. The programme only when ?3
// (a file without the column leaves it alone). A row that already holds every value is left
// alone, its updated_at too (reported unchanged). STOP is kept per number
// (opted_out_numbers): a row given a listed number is opted out, so the claim and the
// campaigns go on reading the row's flag; a row keeps its own opt-out when its number changes
// (only START ends it).
constexpr char update_stored[] =
    "UPDATE students AS s SET "
    "opted_out = CASE WHEN s.phone IS NOT r.phone AND EXISTS (SELECT 1 FROM opted_out_numbers "
    "WHERE number = r.phone) THEN 1 ELSE s.opted_out END, "
    "phone = r.phone, first_name = r.first_name, language = r.language, grp = r.grp, "
    "campus = r.campus, programme = CASE WHEN ?3 THEN r.programme ELSE s.programme END, "
    "start_date = r.start_date, teacher_email = r.teacher_email, timezone = r.timezone, "
    "extra = CASE WHEN r.patch = '{}' THEN s.extra ELSE json_patch(s.extra, r.patch) END, "
    "updated_at = ?4 "
    "FROM temp.student_stage AS r "
    "WHERE r.seq BETWEEN ?1 AND ?2 AND s.institution_id = r.institution_id "
    "AND s.student_ref = r.student_ref "
    "AND (s.phone IS NOT r.phone OR s.first_name IS NOT r.first_name "
    "OR s.language IS NOT r.language OR s.grp IS NOT r.grp OR s.campus IS NOT r.campus "
    "OR (?3 AND s.programme IS NOT r.programme) OR s.start_date IS NOT r.start_date "
    "OR s.teacher_email IS NOT r.teacher_email OR s.timezone IS NOT r.timezone "
    "OR (r.patch <> '{}' AND json_patch(s.extra, r.patch) IS NOT s.extra))";

// Staged rows ?1..?2 not stored yet, in stage order; the stored ones were updated above.
constexpr char insert_new[] =
    "INSERT INTO students (institution_id, student_ref, phone, first_name, language, grp, "
    "campus, programme, start_date, teacher_email, timezone, extra, created_at, updated_at, "
    "opted_out) "
    "SELECT r.institution_id, r.student_ref, r.phone, r.first_name, r.language, r.grp, r.campus, "
    "r.programme, r.start_date, r.teacher_email, r.timezone, r.fresh, ?3, ?3, "
    "EXISTS (SELECT 1 FROM opted_out_numbers WHERE number = r.phone) "
    "FROM temp.student_stage AS r WHERE r.seq BETWEEN ?1 AND ?2 ORDER BY r.seq "
    "ON CONFLICT (institution_id, student_ref) DO NOTHING";

}  // namespace

core::status sqlite_store::ensure_student_stage() {
  if (stage_created_) return core::status::ok();
  // A million staged rows take about 180 MB: in a temporary file (the OS's page cache, never
  // synced, deleted on close) rather than in this process's memory, as the connection's
  // temp_store=MEMORY would keep them. Changing it drops the connection's temporary tables
  // (there are none before the stage) and is refused inside a transaction: the students import
  // empties the stage, outside one, before it stages a row.
  if (!db_->in_transaction())
    if (auto st = db_->exec("PRAGMA temp_store=FILE"); !st) return st;
  if (auto st = db_->prepare(create_stage).run(); !st) return st;
  // Created inside a transaction, the table goes if that transaction is rolled back: known to
  // stay only once committed.
  stage_created_ = !db_->in_transaction();
  return core::status::ok();
}

core::result<std::int64_t> sqlite_store::stage_student(const core::student& s, std::size_t line) {
  if (auto st = ensure_student_stage(); !st) return st;
  std::string fresh = "{}", patch = "{}";
  if (!s.extra.empty()) {
    nlohmann::json f = nlohmann::json::object(), p = nlohmann::json::object();
    for (const auto& [k, v] : s.extra) {
      if (v.empty()) {
        p[k] = nullptr;
      } else {
        f[k] = v;
        p[k] = v;
      }
    }
    fresh = f.dump();
    patch = p.dump();
  }
  auto st = db_->prepare(
                   "INSERT INTO temp.student_stage (line, institution_id, student_ref, phone, "
                   "first_name, language, grp, campus, programme, start_date, teacher_email, "
                   "timezone, fresh, patch) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
                   "?12, ?13, ?14)")
                .bind(1, static_cast<std::int64_t>(line))
                .bind(2, s.institution_id)
                .bind(3, s.ref)
                .bind(4, s.phone)
                .bind(5, s.first_name)
                .bind(6, s.language)
                .bind(7, s.group)
                .bind(8, s.campus)
                .bind(9, s.programme)
                .bind(10, s.start_date)
                .bind(11, s.teacher_email)
                .bind(12, s.timezone)
                .bind(13, fresh)
                .bind(14, patch)
                .run();
  if (!st) return st;
  return db_->last_insert_id();
}

core::result<sqlite_store::copied_students> sqlite_store::copy_staged_students(
    std::int64_t first, std::int64_t last, core::instant now, bool set_programme, bool all_new) {
  savepoint sp(*db_, "copy_staged_students");
  if (!sp.begun()) return sp.begun();
  const std::int64_t at = core::to_unix_ms(now);
  copied_students written;
  if (!all_new) {
    auto updated = db_->prepare(update_stored)
                       .bind(1, first)
                       .bind(2, last)
                       .bind(3, std::int64_t{set_programme})
                       .bind(4, at)
                       .run();
    if (!updated) return updated;  // the savepoint's destructor undoes the range
    written.updated = db_->changes();
  }
  auto inserted = db_->prepare(insert_new).bind(1, first).bind(2, last).bind(3, at).run();
  if (!inserted) return inserted;
  written.inserted = db_->changes();
  if (auto st = sp.release(); !st) return st;
  return written;
}

std::optional<sqlite_store::staged_student_row> sqlite_store::staged_student(std::int64_t seq) {
  if (!ensure_student_stage()) return std::nullopt;
  auto& q = db_->prepare(
      "SELECT line, student_ref, phone FROM temp.student_stage WHERE seq = ?1");
  q.bind(1, seq);
  std::optional<staged_student_row> out;
  if (q.step())
    out = staged_student_row{static_cast<std::size_t>(q.column_int(0)), q.column_text(1),
                             q.column_text(2)};
  q.reset();
  return out;
}

core::status sqlite_store::clear_staged_students() {
  if (auto st = ensure_student_stage(); !st) return st;
  return db_->prepare("DELETE FROM temp.student_stage").run();
}

core::result<bool> sqlite_store::upsert_student(const core::student& s, core::instant now,
                                                bool set_programme) {
  auto seq = stage_student(s, 0);
  if (!seq) return seq.error();
  auto written = copy_staged_students(*seq, *seq, now, set_programme);
  (void)db_->prepare("DELETE FROM temp.student_stage WHERE seq = ?1").bind(1, *seq).run();
  // The unique number; any other constraint (a trigger's RAISE) keeps its own message.
  if (!written && written.error().error_code() == core::status::code::already_exists &&
      written.error().message().find("students.phone") != std::string::npos)
    return core::status::already_exists("student " + s.ref +
                                        ": phone number already belongs to another student");
  if (!written) return written.error();
  return written->written() > 0;
}

}  // namespace tuki::adapters
