// The store's delivery, campaign and event tables (schema version 4). Same contract as the rest
// of sqlite_store: store thread only, inside the write queue's batch transaction.
#include "tuki/adapters/store/sqlite_store.hpp"

namespace tuki::adapters {
namespace {

using core::to_unix_ms;

std::optional<core::instant> optional_instant(sqlite_statement& q, int column) {
  if (q.column_is_null(column)) return std::nullopt;
  return core::from_unix_ms(q.column_int(column));
}

}  // namespace

core::result<std::int64_t> sqlite_store::expire_messages(core::instant now) {
  const auto t = to_unix_ms(now);
  // The history rows first: they select the same rows the update then moves.
  auto h = db_->prepare(
                  "INSERT INTO message_status (message_id, status, at, detail) "
                  "SELECT id, 'expired', ?1, 'not sent within its validity' FROM messages "
                  "WHERE direction = 'out' AND status = 'queued' AND expires_at IS NOT NULL "
                  "AND expires_at <= ?1")
               .bind(1, t).run();
  if (!h) return h;
  if (db_->changes() == 0) return std::int64_t{0};
  auto u = db_->prepare(
                  "UPDATE messages SET status = 'expired', updated_at = ?1 WHERE direction = 'out' "
                  "AND status = 'queued' AND expires_at IS NOT NULL AND expires_at <= ?1")
               .bind(1, t).run();
  if (!u) return u;
  return static_cast<std::int64_t>(db_->changes());
}

std::int64_t sqlite_store::sms_outbox_depth() {
  auto& q = db_->prepare(
      // Two counts, each over its partial index (messages_queue, messages_sending).
      "SELECT (SELECT COUNT(*) FROM messages WHERE direction = 'out' AND status = 'queued') "
      "+ (SELECT COUNT(*) FROM messages WHERE direction = 'out' AND status = 'sending')");
  std::int64_t n = q.step() ? q.column_int(0) : 0;
  q.reset();
  return n;
}

core::status sqlite_store::record_delivery_failure(std::int64_t message_id, core::instant now) {
  auto s = db_->prepare(
                  "UPDATE students SET delivery_failures = delivery_failures + 1, "
                  "last_delivery_failure_at = ?2 "
                  "WHERE id = (SELECT student_id FROM messages WHERE id = ?1)")
               .bind(1, message_id).bind(2, to_unix_ms(now)).run();
  if (!s) return s;
  if (db_->changes() == 0)
    return core::status::not_found("message " + std::to_string(message_id) + " has no student");
  return core::status::ok();
}

std::int64_t sqlite_store::delivery_failures(std::int64_t student_id) {
  auto& q = db_->prepare("SELECT delivery_failures FROM students WHERE id = ?1");
  q.bind(1, student_id);
  std::int64_t n = q.step() ? q.column_int(0) : 0;
  q.reset();
  return n;
}

std::vector<delivery_failure_row> sqlite_store::students_with_delivery_failures(
    const std::string& institution_id) {
  auto& q = db_->prepare(
      "SELECT id, student_ref, delivery_failures, last_delivery_failure_at FROM students "
      "WHERE institution_id = ?1 AND delivery_failures > 0 ORDER BY delivery_failures DESC, id");
  q.bind(1, institution_id);
  std::vector<delivery_failure_row> out;
  while (q.step())
    out.push_back({q.column_int(0), q.column_text(1), q.column_int(2), optional_instant(q, 3)});
  q.reset();
  return out;
}

std::optional<core::instant> sqlite_store::last_inbound_at(std::int64_t student_id) {
  auto& q = db_->prepare(
      "SELECT MAX(created_at) FROM messages WHERE direction = 'in' AND student_id = ?1");
  q.bind(1, student_id);
  std::optional<core::instant> out;
  if (q.step()) out = optional_instant(q, 0);
  q.reset();
  return out;
}

std::optional<std::pair<int, std::string>> sqlite_store::message_cost(std::int64_t id) {
  auto& q = db_->prepare("SELECT segments, encoding FROM messages WHERE id = ?1");
  q.bind(1, id);
  std::optional<std::pair<int, std::string>> out;
  if (q.step()) out.emplace(static_cast<int>(q.column_int(0)), q.column_text(1));
  q.reset();
  return out;
}

core::result<std::int64_t> sqlite_store::create_campaign(const campaign_row& c, core::instant now) {
  auto s = db_->prepare(
                  "INSERT INTO campaigns (institution_id, rule_id, run_key, dialog_id, selected, "
                  "planned, skipped, segments_estimate, created_at) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
               .bind(1, c.institution_id).bind(2, c.rule_id).bind(3, c.run_key)
               .bind(4, c.dialog_id).bind(5, c.selected).bind(6, c.planned).bind(7, c.skipped)
               .bind(8, c.segments_estimate).bind(9, to_unix_ms(now)).run();
  if (!s) {
    if (s.error_code() == core::status::code::already_exists)
      return core::status::already_exists("campaign " + c.rule_id + " " + c.run_key +
                                          " is already planned");
    return s;
  }
  return db_->last_insert_id();
}

std::optional<campaign_row> sqlite_store::find_campaign(std::int64_t id) {
  auto& q = db_->prepare(
      "SELECT id, institution_id, rule_id, run_key, dialog_id, selected, planned, skipped, "
      "segments_estimate FROM campaigns WHERE id = ?1");
  q.bind(1, id);
  std::optional<campaign_row> out;
  if (q.step())
    out = campaign_row{q.column_int(0),  q.column_text(1), q.column_text(2), q.column_text(3),
                       q.column_text(4), q.column_int(5),  q.column_int(6),  q.column_int(7),
                       q.column_int(8)};
  q.reset();
  return out;
}

std::vector<due_planned_send> sqlite_store::due_planned_sends(core::instant now, int limit) {
  auto& q = db_->prepare(
      "SELECT p.id, p.campaign_id, p.student_id, c.dialog_id, p.due_at, s.last_checkin_at "
      "FROM planned_sends p JOIN campaigns c ON c.id = p.campaign_id "
      "LEFT JOIN students s ON s.id = p.student_id WHERE p.status = 'planned' AND p.due_at <= ?1 "
      "ORDER BY p.due_at, p.id LIMIT ?2");
  q.bind(1, to_unix_ms(now)).bind(2, limit);
  std::vector<due_planned_send> out;
  while (q.step()) {
    out.push_back({q.column_int(0), q.column_int(1), q.column_int(2), q.column_text(3),
                   core::from_unix_ms(q.column_int(4)), std::nullopt});
    if (!q.column_is_null(5)) out.back().last_checkin = core::from_unix_ms(q.column_int(5));
  }
  q.reset();
  return out;
}

core::status sqlite_store::finish_planned_send(std::int64_t id, const std::string& status,
                                               core::instant now) {
  return db_->prepare("UPDATE planned_sends SET status = ?2, updated_at = ?3 WHERE id = ?1")
      .bind(1, id).bind(2, status).bind(3, to_unix_ms(now)).run();
}

core::status sqlite_store::postpone_planned_send(std::int64_t id, core::instant due,
                                                 core::instant now) {
  return db_->prepare("UPDATE planned_sends SET due_at = ?2, updated_at = ?3 WHERE id = ?1")
      .bind(1, id).bind(2, to_unix_ms(due)).bind(3, to_unix_ms(now)).run();
}

std::int64_t sqlite_store::planned_sends_waiting() {
  auto& q = db_->prepare("SELECT COUNT(*) FROM planned_sends WHERE status = 'planned'");
  std::int64_t n = q.step() ? q.column_int(0) : 0;
  q.reset();
  return n;
}

core::status sqlite_store::set_last_checkin(std::int64_t student_id, core::instant at) {
  return db_->prepare("UPDATE students SET last_checkin_at = ?2 WHERE id = ?1")
      .bind(1, student_id).bind(2, to_unix_ms(at)).run();
}

std::optional<std::int64_t> sqlite_store::student_id_by_ref(const std::string& institution_id,
                                                            const std::string& ref) {
  return db_->prepare("SELECT id FROM students WHERE institution_id = ?1 AND student_ref = ?2")
      .bind(1, institution_id)
      .bind(2, ref)
      .first_int();
}

core::result<events_stored> sqlite_store::add_events(const std::string& institution_id,
                                                     std::span<const event_row> events,
                                                     core::instant now) {
  // An upsert in two statements, so that each event can be counted as added, updated or
  // unchanged (an INSERT ... DO UPDATE does not say which it did). Most events are new: one
  // statement each.
  auto& insert = db_->prepare(
      "INSERT INTO events (institution_id, student_id, event, day, value, created_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (student_id, event, day) DO NOTHING");
  auto& update = db_->prepare(
      "UPDATE events SET value = ?4, created_at = ?5, id = (SELECT MAX(id) + 1 FROM events) "
      "WHERE student_id = ?1 AND event = ?2 AND day = ?3 AND value IS NOT ?4");
  const auto t = to_unix_ms(now);
  events_stored out;
  for (const auto& e : events) {
    insert.bind(1, institution_id).bind(2, e.student_id).bind(3, e.event).bind(4, e.day)
        .bind_double(5, e.value).bind(6, t);
    if (auto s = insert.run(); !s) return s;
    if (db_->changes() > 0) {
      ++out.added;
      continue;
    }
    update.bind(1, e.student_id).bind(2, e.event).bind(3, e.day).bind_double(4, e.value).bind(5, t);
    if (auto s = update.run(); !s) return s;
    ++(db_->changes() > 0 ? out.updated : out.unchanged);
  }
  return out;
}

std::pair<std::vector<std::int64_t>, std::int64_t> sqlite_store::students_with_new_events(
    const std::string& institution_id, const std::string& event, std::int64_t after_id) {
  // NOT INDEXED: otherwise SQLite walks all of events_by_student to get its GROUP BY order
  // for free (180 ms a rule, every minute, on the writer, with 2,000,000 events), where the
  // rowid range holds only the events since the last mark.
  auto& q = db_->prepare(
      "SELECT student_id, MAX(id) FROM events NOT INDEXED WHERE institution_id = ?1 AND event = ?2 "
      "AND id > ?3 GROUP BY student_id ORDER BY student_id");
  q.bind(1, institution_id).bind(2, event).bind(3, after_id);
  std::pair<std::vector<std::int64_t>, std::int64_t> out{{}, after_id};
  while (q.step()) {
    out.first.push_back(q.column_int(0));
    out.second = std::max(out.second, q.column_int(1));
  }
  q.reset();
  return out;
}

std::vector<event_row> sqlite_store::student_events(std::int64_t student_id,
                                                    const std::string& event,
                                                    const std::string& after_day) {
  auto& q = db_->prepare(
      "SELECT student_id, event, day, value FROM events WHERE student_id = ?1 AND event = ?2 "
      "AND day > ?3 ORDER BY day, id");
  q.bind(1, student_id).bind(2, event).bind(3, after_day);
  std::vector<event_row> out;
  while (q.step())
    out.push_back({q.column_int(0), q.column_text(1), q.column_text(2), q.column_double(3)});
  q.reset();
  return out;
}

core::result<bool> sqlite_store::add_rule_run(const std::string& institution_id,
                                              const std::string& rule_id,
                                              std::int64_t student_id, const std::string& run_key,
                                              core::instant now) {
  auto s = db_->prepare(
                  "INSERT OR IGNORE INTO rule_runs (institution_id, rule_id, student_id, run_key, "
                  "at) VALUES (?1, ?2, ?3, ?4, ?5)")
               .bind(1, institution_id).bind(2, rule_id).bind(3, student_id).bind(4, run_key)
               .bind(5, to_unix_ms(now)).run();
  if (!s) return s;
  return db_->changes() == 1;
}

bool sqlite_store::has_rule_run(const std::string& institution_id, const std::string& rule_id,
                                std::int64_t student_id, const std::string& run_key) {
  auto& q = db_->prepare(
      "SELECT 1 FROM rule_runs WHERE institution_id = ?1 AND rule_id = ?2 AND student_id = ?3 "
      "AND run_key = ?4");
  q.bind(1, institution_id).bind(2, rule_id).bind(3, student_id).bind(4, run_key);
  const bool found = q.step();
  q.reset();
  return found;
}

std::optional<std::string> sqlite_store::last_rule_run(const std::string& institution_id,
                                                       const std::string& rule_id,
                                                       std::int64_t student_id) {
  auto& q = db_->prepare(
      "SELECT MAX(run_key) FROM rule_runs WHERE institution_id = ?1 AND rule_id = ?2 "
      "AND student_id = ?3");
  q.bind(1, institution_id).bind(2, rule_id).bind(3, student_id);
  std::optional<std::string> out;
  if (q.step() && !q.column_is_null(0)) out = q.column_text(0);
  q.reset();
  return out;
}

std::optional<std::int64_t> sqlite_store::scheduler_mark(const std::string& name) {
  return db_->prepare("SELECT value FROM scheduler_marks WHERE name = ?1")
      .bind(1, name)
      .first_int();
}

core::status sqlite_store::set_scheduler_mark(const std::string& name, std::int64_t value) {
  return db_->prepare(
                "INSERT INTO scheduler_marks (name, value) VALUES (?1, ?2) "
                "ON CONFLICT (name) DO UPDATE SET value = ?2")
      .bind(1, name).bind(2, value).run();
}

}  // namespace tuki::adapters
