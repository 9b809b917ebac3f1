#include "tuki/adapters/store/sqlite_store.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "tuki/adapters/store/migrations.hpp"
#include "tuki/core/effect.hpp"
#include "tuki/core/text/sms_encoding.hpp"

namespace tuki::adapters {
namespace {

// "[1,2,3]" of the ids `id_of` takes from each element: one bound text that json_each(?) reads
// back as rows, instead of a statement per row.
template <class Range, class IdOf>
std::string json_id_list(const Range& items, IdOf id_of) {
  std::string ids = "[";
  for (const auto& item : items) {
    if (ids.size() > 1) ids += ',';
    ids += std::to_string(id_of(item));
  }
  ids += ']';
  return ids;
}

using core::to_unix_ms;

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ";") + s;
  return out;
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < s.size()) {
    auto end = s.find(';', start);
    if (end == std::string::npos) end = s.size();
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// A macro so that the statements reading students stay string literals: the statement cache
// finds a literal by its address, with no text to build or hash (every reply looks one up).
#define TUKI_STUDENT_COLUMNS                                                               \
  "id, institution_id, student_ref, phone, first_name, language, grp, campus, programme, " \
  "start_date, teacher_email, timezone, extra, opted_out, paused_until"

}  // namespace

core::result<std::unique_ptr<sqlite_store>> sqlite_store::open(const std::string& path,
                                                               const std::string& synchronous) {
  auto conn = sqlite_connection::open(path);
  if (!conn) return conn.error();
  auto& db = **conn;
  for (std::string pragma : {std::string("PRAGMA journal_mode=WAL"),
                             "PRAGMA synchronous=" + synchronous, std::string("PRAGMA foreign_keys=ON"),
                             std::string("PRAGMA temp_store=MEMORY")}) {
    if (auto s = db.exec(pragma); !s) return s;
  }
  if (auto s = migrate(db); !s) return s;
  return std::unique_ptr<sqlite_store>(new sqlite_store(std::move(*conn)));
}

core::status sqlite_store::begin() { return db_->prepare("BEGIN IMMEDIATE").run(); }
core::status sqlite_store::commit() {
  auto s = db_->prepare("COMMIT").run();
  if (s) db_->run_after_commit();
  if (s && tail_) tail_->run_if_due();
  return s;
}

void sqlite_store::keep_wal_short(int max_frames, std::shared_ptr<wal_checkpointer> background) {
  tail_ = std::make_unique<wal_tail_checkpoint>(*db_, max_frames, std::move(background));
}
void sqlite_store::rollback() { (void)db_->exec("ROLLBACK"); }

core::status sqlite_store::upsert_institution(const std::string& id, const std::string& name,
                                              const std::string& country,
                                              const std::string& timezone) {
  return db_->prepare("INSERT INTO institutions (id, name, country, timezone) VALUES (?1, ?2, ?3, ?4) "
                      "ON CONFLICT (id) DO UPDATE SET name = ?2, country = ?3, timezone = ?4")
      .bind(1, id).bind(2, name).bind(3, country).bind(4, timezone).run();
}

core::result<std::int64_t> sqlite_store::upsert_students(const std::vector<core::student>& students,
                                                         core::instant now) {
  std::int64_t fresh = 0;
  for (const auto& s : students) {
    auto& exists = db_->prepare("SELECT 1 FROM students WHERE institution_id = ?1 AND student_ref = ?2");
    exists.bind(1, s.institution_id).bind(2, s.ref);
    bool known = exists.step();
    exists.reset();
    if (auto st = upsert_student(s, now); !st) return st.error();
    if (!known) ++fresh;
  }
  return fresh;
}

core::result<staff_stored> sqlite_store::upsert_staff(
    const std::vector<core::staff_member>& staff) {
  // One upsert a member, which leaves a row holding every value alone. An INSERT ... DO UPDATE
  // does not say whether it inserted or updated: changes() tells written from unchanged, and the
  // rows counted before and after tell how many of the written were new (as the students import
  // counts them).
  auto count = [this]() -> core::result<std::int64_t> {
    if (auto n = db_->prepare("SELECT COUNT(*) FROM staff").first_int()) return *n;
    return core::status::io_error("sqlite: counting staff: " + db_->error_message());
  };
  auto inactive = [this]() -> core::result<std::int64_t> {
    if (auto n = db_->prepare("SELECT COUNT(*) FROM staff WHERE active = 0").first_int()) return *n;
    return core::status::io_error("sqlite: counting inactive staff: " + db_->error_message());
  };
  auto before = count();
  if (!before) return before.error();
  auto inactive_before = inactive();
  if (!inactive_before) return inactive_before.error();
  staff_stored out;
  std::size_t written = 0;    // members new or changed, of those that replaced no row
  std::int64_t replaced = 0;  // rows under another case of a member's email, deleted
  std::int64_t recased = 0;   // members that replaced such a row and added their own
  for (const auto& m : staff) {
    // An email is one person whatever its case (the CSV import gives it in lower case): rows
    // stored under another case of it (imports before that did) give way to this one.
    auto gone = db_->prepare("DELETE FROM staff WHERE institution_id = ?1 AND email = ?2 COLLATE NOCASE "
                             "AND email <> ?2")
                    .bind(1, m.institution_id).bind(2, m.email).run();
    if (!gone) return gone;
    const int gone_rows = db_->changes();
    // Only then (rows from those imports): whether this case of the email was stored too.
    bool kept = false;
    if (gone_rows > 0)
      kept = db_->prepare("SELECT 1 FROM staff WHERE institution_id = ?1 AND email = ?2")
                 .bind(1, m.institution_id)
                 .bind(2, m.email)
                 .first_int()
                 .has_value();
    auto st =
        db_->prepare(
               "INSERT INTO staff (institution_id, email, name, roles, campuses, groups, phone, "
               "active) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1) "
               "ON CONFLICT (institution_id, email) DO UPDATE "
               "SET name = ?3, roles = ?4, campuses = ?5, groups = ?6, phone = ?7, active = 1 "
               // A row that already holds every value is left alone (reported unchanged); one
               // deactivated before is active again (someone who came back).
               "WHERE name IS NOT ?3 OR roles IS NOT ?4 OR campuses IS NOT ?5 "
               "OR groups IS NOT ?6 OR phone IS NOT ?7 OR active <> 1")
            .bind(1, m.institution_id)
            .bind(2, m.email)
            .bind(3, m.name)
            .bind(4, join(m.roles))
            .bind(5, join(m.campuses))
            .bind(6, join(m.groups))
            .bind(7, m.phone)
            .run();
    if (!st) return st;
    if (gone_rows > 0) {
      ++out.updated;  // its email's case at least
      replaced += gone_rows;
      if (!kept) ++recased;
    } else if (db_->changes() > 0) {
      ++written;
    } else {
      ++out.unchanged;
    }
  }
  auto after = count();
  if (!after) return after.error();
  auto inactive_after = inactive();
  if (!inactive_after) return inactive_after.error();
  // Nothing here deactivates: every inactive row fewer became active (or gave way to its email
  // in another case, which is active).
  out.reactivated = static_cast<std::size_t>(*inactive_before - *inactive_after);
  // Rows added: *after - *before + replaced, of which `recased` replaced a row (updates).
  out.added = static_cast<std::size_t>(*after - *before + replaced - recased);
  out.updated += written - out.added;
  return out;
}

core::result<staff_deactivated> sqlite_store::deactivate_staff(
    const std::string& institution_id, const std::vector<std::string>& emails, core::instant now) {
  // Every email is looked up first, so that one unknown changes nothing.
  std::vector<std::string> unknown;
  std::vector<std::int64_t> to_deactivate;
  staff_deactivated out;
  auto& q = db_->prepare(
      "SELECT id, active FROM staff WHERE institution_id = ?1 AND email = ?2 COLLATE NOCASE");
  for (const auto& e : emails) {
    q.bind(1, institution_id).bind(2, e);
    bool found = false;
    while (q.step()) {
      found = true;
      const auto id = q.column_int(0);
      if (q.column_int(1) == 0) {
        ++out.already;
      } else if (std::find(to_deactivate.begin(), to_deactivate.end(), id) == to_deactivate.end()) {
        to_deactivate.push_back(id);
      }
    }
    q.reset();
    if (!found) unknown.push_back(e);
  }
  if (!unknown.empty()) {
    std::string list;
    for (const auto& e : unknown) list += (list.empty() ? "" : ", ") + e;
    return core::status::not_found("no staff member of " + institution_id + " has the email " +
                                   list);
  }
  if (to_deactivate.empty()) return out;
  std::sort(to_deactivate.begin(), to_deactivate.end());
  const auto ids = json_id_list(to_deactivate, [](std::int64_t id) { return id; });
  // The emails as tickets hold them (lower case), read before the rows change.
  auto& gone_q = db_->prepare(
      "SELECT json_group_array(lower(email)) FROM staff WHERE id IN (SELECT value FROM "
      "json_each(?1))");
  gone_q.bind(1, ids);
  std::string gone = gone_q.step() ? gone_q.column_text(0) : "[]";
  gone_q.reset();
  if (auto s =
          db_->prepare("UPDATE staff SET active = 0 WHERE id IN (SELECT value FROM json_each(?1))")
              .bind(1, ids)
              .run();
      !s)
    return s;
  out.ids = std::move(to_deactivate);
  // Open tickets on which they are an assignee: the first one is in `assignee`, the others only
  // in the ticket's state. Made due now (an earlier deadline stays): the SLA pump hands each
  // over (ticket_desk::sla_step). A scan of the institution's open tickets, once per
  // deactivation.
  auto due =
      db_->prepare(
             "UPDATE tickets SET sla_due_at = MIN(IFNULL(sla_due_at, ?3), ?3) "
             "WHERE institution_id = ?1 AND status <> 'RESOLVED' AND EXISTS ("
             "SELECT 1 FROM json_each(?2) AS gone WHERE gone.value = lower(tickets.assignee) "
             "OR EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(tickets.state) "
             "THEN tickets.state ELSE '{}' END, '$.assignees') AS a "
             "WHERE lower(json_extract(a.value, '$.email')) = gone.value))")
          .bind(1, institution_id)
          .bind(2, gone)
          .bind(3, to_unix_ms(now))
          .run();
  if (!due) return due;
  out.tickets_due = static_cast<std::size_t>(db_->changes());
  return out;
}

core::student sqlite_store::read_student(sqlite_statement& q) {
  core::student s;
  s.id = q.column_int(0);
  s.institution_id = q.column_text(1);
  s.ref = q.column_text(2);
  s.phone = q.column_text(3);
  s.first_name = q.column_text(4);
  s.language = q.column_text(5);
  s.group = q.column_text(6);
  s.campus = q.column_text(7);
  s.programme = q.column_text(8);
  s.start_date = q.column_text(9);
  s.teacher_email = q.column_text(10);
  s.timezone = q.column_text(11);
  // Most students have no extra columns: skip the JSON parser for the empty object.
  if (auto text = q.column_text(12); !text.empty() && text != "{}") {
    auto extra = nlohmann::json::parse(text, nullptr, false);
    if (extra.is_object())
      for (auto& [k, v] : extra.items())
        if (v.is_string()) s.extra[k] = v.get<std::string>();
  }
  s.opted_out = q.column_int(13) != 0;
  if (!q.column_is_null(14)) s.paused_until = core::from_unix_ms(q.column_int(14));
  return s;
}

std::optional<core::student> sqlite_store::find_student_by_phone(const std::string& phone) {
  auto& q = db_->prepare("SELECT " TUKI_STUDENT_COLUMNS " FROM students WHERE phone = ?1 LIMIT 1");
  q.bind(1, phone);
  std::optional<core::student> out;
  if (q.step()) out = read_student(q);
  q.reset();
  return out;
}

std::vector<core::student> sqlite_store::find_students_by_phone(const std::string& phone) {
  auto& q =
      db_->prepare("SELECT " TUKI_STUDENT_COLUMNS " FROM students WHERE phone = ?1 ORDER BY id");
  q.bind(1, phone);
  std::vector<core::student> out;
  while (q.step()) out.push_back(read_student(q));
  q.reset();
  return out;
}

std::optional<core::student> sqlite_store::get_student(std::int64_t id) {
  auto& q = db_->prepare("SELECT " TUKI_STUDENT_COLUMNS " FROM students WHERE id = ?1");
  q.bind(1, id);
  std::optional<core::student> out;
  if (q.step()) out = read_student(q);
  q.reset();
  return out;
}

std::vector<std::int64_t> sqlite_store::select_students(const std::string& institution_id,
                                                        const std::string& selector) {
  auto& q = db_->prepare(
      "SELECT id FROM students WHERE institution_id = ?1 AND opted_out = 0 AND "
      "(?2 = 'all' OR grp = ?2 OR campus = ?2 OR student_ref = ?2) ORDER BY id");
  q.bind(1, institution_id).bind(2, selector);
  std::vector<std::int64_t> ids;
  while (q.step()) ids.push_back(q.column_int(0));
  q.reset();
  return ids;
}

std::vector<core::staff_member> sqlite_store::list_staff(const std::string& institution_id) {
  auto& q = db_->prepare(
      "SELECT id, email, name, roles, campuses, groups, phone, active FROM staff "
      "WHERE institution_id = ?1 ORDER BY id");
  q.bind(1, institution_id);
  std::vector<core::staff_member> out;
  while (q.step()) {
    core::staff_member m;
    m.id = q.column_int(0);
    m.institution_id = institution_id;
    m.email = q.column_text(1);
    m.name = q.column_text(2);
    m.roles = split(q.column_text(3));
    m.campuses = split(q.column_text(4));
    m.groups = split(q.column_text(5));
    m.phone = q.column_text(6);
    m.active = q.column_int(7) != 0;
    out.push_back(std::move(m));
  }
  q.reset();
  return out;
}

core::status sqlite_store::set_contact_state(std::int64_t student_id, bool opted_out,
                                             std::optional<core::instant> paused_until,
                                             core::instant now) {
  // The row's number, and whether it was opted out: an opt-out lists the number (again, for a
  // row opted out under an earlier number); START (no opt-out, no pause) ends the listing. A
  // PAUSE of a row not opted out leaves the list alone.
  auto& q = db_->prepare("SELECT phone, opted_out FROM students WHERE id = ?1");
  q.bind(1, student_id);
  std::string phone;
  bool was_opted_out = false;
  if (q.step()) {
    phone = q.column_text(0);
    was_opted_out = q.column_int(1) != 0;
  }
  q.reset();
  std::optional<std::int64_t> paused;
  if (paused_until) paused = to_unix_ms(*paused_until);
  auto& u = db_->prepare(
      "UPDATE students SET opted_out = ?2, paused_until = ?3, updated_at = ?4 WHERE id = ?1");
  u.bind(1, student_id).bind(2, opted_out ? 1 : 0).bind(3, paused).bind(4, to_unix_ms(now));
  if (auto s = u.run(); !s) return s;
  const bool start = !opted_out && !paused_until;
  if (phone.empty() || (!opted_out && !was_opted_out && !start)) return core::status::ok();
  return set_number_opted_out(phone, opted_out, now);
}

core::status sqlite_store::set_number_opted_out(const std::string& phone, bool opted_out,
                                                core::instant now) {
  if (phone.empty()) return core::status::invalid_argument("an opt-out needs a phone number");
  auto& list = opted_out ? db_->prepare(
                               "INSERT INTO opted_out_numbers (number, at) VALUES (?1, ?2) "
                               "ON CONFLICT (number) DO NOTHING")
                         : db_->prepare("DELETE FROM opted_out_numbers WHERE number = ?1");
  list.bind(1, phone);
  if (opted_out) list.bind(2, to_unix_ms(now));
  if (auto s = list.run(); !s) return s;
  // Every row holding the number, of any institution (students_by_phone).
  auto& rows = db_->prepare(
      "UPDATE students SET opted_out = ?2, updated_at = ?3 WHERE phone = ?1 AND opted_out <> ?2");
  rows.bind(1, phone).bind(2, opted_out ? 1 : 0).bind(3, to_unix_ms(now));
  return rows.run();
}

bool sqlite_store::number_opted_out(const std::string& phone) {
  auto& q = db_->prepare("SELECT 1 FROM opted_out_numbers WHERE number = ?1");
  q.bind(1, phone);
  const bool found = q.step();
  q.reset();
  return found;
}

std::vector<opted_out_number> sqlite_store::opted_out_numbers() {
  auto& q = db_->prepare(
      "SELECT o.number, o.at, (SELECT COUNT(*) FROM students s WHERE s.phone = o.number) "
      "FROM opted_out_numbers o ORDER BY o.number");
  std::vector<opted_out_number> out;
  while (q.step())
    out.push_back({q.column_text(0), core::from_unix_ms(q.column_int(1)),
                   static_cast<std::size_t>(q.column_int(2))});
  q.reset();
  return out;
}

std::optional<stored_session> sqlite_store::load_session(std::int64_t student_id) {
  auto& q = db_->prepare("SELECT dialog_id, state FROM sessions WHERE student_id = ?1");
  q.bind(1, student_id);
  std::optional<stored_session> out;
  if (q.step()) out = stored_session{q.column_text(0), q.column_text(1)};
  q.reset();
  return out;
}

core::status sqlite_store::save_session(std::int64_t student_id, const std::string& dialog_id,
                                        const std::string& state_json, core::instant now) {
  return db_->prepare("INSERT INTO sessions (student_id, dialog_id, state, updated_at) VALUES (?1, ?2, ?3, ?4) "
                      "ON CONFLICT (student_id) DO UPDATE SET dialog_id = ?2, state = ?3, updated_at = ?4")
      .bind(1, student_id).bind(2, dialog_id).bind(3, state_json).bind(4, to_unix_ms(now)).run();
}

core::status sqlite_store::delete_session(std::int64_t student_id) {
  return db_->prepare("DELETE FROM sessions WHERE student_id = ?1").bind(1, student_id).run();
}

std::vector<std::pair<std::string, std::string>> sqlite_store::session_dialog_versions() {
  auto& q = db_->prepare(
      "SELECT DISTINCT dialog_id, IFNULL(json_extract(state, '$.version'), '') FROM sessions "
      "WHERE json_valid(state)");
  std::vector<std::pair<std::string, std::string>> out;
  while (q.step()) out.emplace_back(q.column_text(0), q.column_text(1));
  q.reset();
  return out;
}

core::result<std::int64_t> sqlite_store::insert_inbound(std::optional<std::int64_t> student_id,
                                                        const std::string& gateway,
                                                        const std::string& gateway_id,
                                                        const std::string& body, core::instant now) {
  auto s = db_->prepare("INSERT INTO messages (student_id, direction, status, gateway, gateway_id, body, "
                        "priority, created_at, updated_at) VALUES (?1, 'in', 'received', ?2, ?3, ?4, 1, ?5, ?5)")
               .bind(1, student_id).bind(2, gateway).bind(3, gateway_id).bind(4, body)
               .bind(5, to_unix_ms(now)).run();
  if (!s) return s;
  return db_->last_insert_id();
}

core::result<std::int64_t> sqlite_store::enqueue_outbound(std::optional<std::int64_t> student_id,
                                                          const std::string& phone,
                                                          const std::string& gateway,
                                                          const std::string& body, int priority,
                                                          const std::string& purpose, core::instant due,
                                                          core::instant now) {
  // claim_sms looks for exactly these priorities: any other would never be sent.
  if (priority < static_cast<int>(core::sms_priority::crisis) ||
      priority > static_cast<int>(core::sms_priority::bulk))
    return core::status::invalid_argument("SMS priority " + std::to_string(priority) +
                                          " is not 0 (crisis), 1 (reply) or 2 (bulk)");
  auto cost = core::measure_sms(body);
  auto& q = db_->prepare("INSERT INTO messages (student_id, direction, status, gateway, body, priority, purpose, "
                         "next_attempt_at, created_at, updated_at, segments, encoding, expires_at, phone) "
                         "VALUES (?1, 'out', 'queued', ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8, ?9, ?10, ?11)");
  if (student_id) q.bind(1, *student_id);
  else q.bind_null(1);
  q.bind(2, gateway).bind(3, body).bind(4, priority).bind(5, purpose)
      .bind(6, to_unix_ms(due)).bind(7, to_unix_ms(now))
      .bind(8, static_cast<std::int64_t>(cost.segments))
      .bind(9, cost.coding == core::sms_coding::gsm7 ? "gsm7" : "ucs2")
      .bind(10, to_unix_ms(due + validity_));
  if (student_id) q.bind_null(11);
  else q.bind(11, phone);
  if (auto s = q.run(); !s) return s;
  std::int64_t id = db_->last_insert_id();
  if (auto h = db_->prepare("INSERT INTO message_status (message_id, status, at) VALUES (?1, 'queued', ?2)")
                   .bind(1, id).bind(2, to_unix_ms(now)).run();
      !h)
    return h;
  return id;
}

core::result<std::int64_t> sqlite_store::enqueue_sms(std::int64_t student_id, const std::string& gateway,
                                                     const std::string& body, int priority,
                                                     const std::string& purpose, core::instant due,
                                                     core::instant now) {
  return enqueue_outbound(student_id, "", gateway, body, priority, purpose, due, now);
}

core::result<std::int64_t> sqlite_store::enqueue_sms_to_phone(const std::string& phone,
                                                              const std::string& gateway,
                                                              const std::string& body, int priority,
                                                              const std::string& purpose,
                                                              core::instant due, core::instant now) {
  if (phone.empty()) return core::status::invalid_argument("an SMS needs a phone number");
  return enqueue_outbound(std::nullopt, phone, gateway, body, priority, purpose, due, now);
}

bool sqlite_store::sent_to_phone_since(const std::string& phone, const std::string& purpose,
                                       core::instant since) {
  auto& q = db_->prepare(
      "SELECT 1 FROM messages WHERE phone = ?1 AND created_at >= ?2 AND direction = 'out' "
      "AND purpose = ?3 LIMIT 1");
  q.bind(1, phone).bind(2, to_unix_ms(since)).bind(3, purpose);
  bool found = q.step();
  q.reset();
  return found;
}

core::result<int> sqlite_store::resume_gateway(const std::string& gateway, core::instant now,
                                               const std::vector<std::int64_t>& keep) {
  const std::string kept = json_id_list(keep, [](std::int64_t id) { return id; });
  auto s =
      db_->prepare(
             "UPDATE messages SET next_attempt_at = ?2 WHERE direction = 'out' "
             "AND status = 'queued' AND gateway = ?1 AND attempts > 0 AND next_attempt_at > ?2 "
             "AND id NOT IN (SELECT value FROM json_each(?3))")
          .bind(1, gateway)
          .bind(2, to_unix_ms(now))
          .bind(3, kept)
          .run();
  if (!s) return s;
  return static_cast<int>(db_->changes());
}

core::result<std::vector<queued_sms>> sqlite_store::claim_sms(int limit, core::instant now) {
  auto c = claim_sms_batch(limit, now);
  if (!c) return c.error();
  return std::move(c->sms);
}

core::result<sqlite_store::sms_claim> sqlite_store::claim_sms_batch(int limit, core::instant now,
                                                                    int max_priority,
                                                                    const claim_hold& hold) {
  // `priority IN (0, 1, 2)` (core::sms_priority, the only values enqueue_outbound stores) makes
  // each priority a range search of messages_queue up to `now`. Without it the claim walked the
  // index in priority order and stepped over every message of a higher priority that is not due
  // yet: a gateway outage's retries in backoff, 2.6 ms per empty claim with 50,000 of them.
  static_assert(static_cast<int>(core::sms_priority::crisis) == 0 &&
                static_cast<int>(core::sms_priority::bulk) == 2);
  sms_claim c;
  auto& out = c.sms;
  std::vector<std::int64_t> withheld;
  // The student's row is read for the phone number anyway: whether they opted out or paused
  // since the message was queued (a campaign on a rate-limited gateway can wait for hours)
  // costs no more reads. A pause holds back only what tuki starts (bulk, 2). STOP ends more:
  // to an opted-out student only crisis texts (0) and keyword answers go (the STOP
  // confirmation, queued as purpose `keyword` after the opt-out, and an answer to a later
  // HELP or STOP), not a "seen" SMS even of a crisis ticket (tuki sends none after STOP). A
  // dialog's next question that waited in the queue (a gateway in backoff, quiet hours) would
  // otherwise reach the student after their STOP.
  static const std::string select =
      "SELECT m.id, IFNULL(m.student_id, 0), m.gateway, IFNULL(s.phone, m.phone), m.body, "
      "m.attempts, m.segments, m.priority, "
      "(m.priority = 2 AND (s.opted_out = 1 OR IFNULL(s.paused_until, 0) > ?1) OR "
      "s.opted_out = 1 AND (m.priority <> 0 AND m.purpose <> 'keyword' OR "
      "m.purpose = 'ticket_seen')), "
      "s.institution_id, s.timezone, m.created_at "
      "FROM messages m LEFT JOIN students s ON s.id = m.student_id "
      "WHERE m.direction = 'out' AND m.status = 'queued' AND m.priority IN ";
  static const std::string order =
      " AND m.next_attempt_at <= ?1 ORDER BY m.priority, m.next_attempt_at, m.id LIMIT ?2";
  static const std::string by_priority[] = {select + "(0)" + order, select + "(0, 1)" + order,
                                            select + "(0, 1, 2)" + order};
  auto& q = db_->prepare(by_priority[std::clamp(max_priority, 0, 2)]);
  q.bind(1, to_unix_ms(now)).bind(2, limit);
  std::vector<std::pair<std::int64_t, core::instant>> held;  // (id, until)
  while (q.step()) {
    if (q.column_int(8) == 1) {
      withheld.push_back(q.column_int(0));
      continue;
    }
    const auto priority = static_cast<int>(q.column_int(7));
    if (hold && q.column_int(1) != 0 && priority != static_cast<int>(core::sms_priority::crisis)) {
      const std::string institution = q.column_text(9), zone = q.column_text(10);
      if (auto until = hold({institution, zone, priority, core::from_unix_ms(q.column_int(11))})) {
        held.emplace_back(q.column_int(0), *until);
        continue;
      }
    }
    out.push_back({q.column_int(0), q.column_int(1), q.column_text(2), q.column_text(3),
                   q.column_text(4), static_cast<int>(q.column_int(5)) + 1,
                   std::max(1, static_cast<int>(q.column_int(6))), static_cast<int>(q.column_int(7))});
  }
  auto read = q.status();
  q.reset();
  if (!read) return read;
  if (!withheld.empty()) {
    const std::string held = json_id_list(withheld, [](std::int64_t id) { return id; });
    auto h = db_->prepare(
                    "INSERT INTO message_status (message_id, status, at, detail) "
                    "SELECT value, 'withheld', ?1, 'the student opted out or paused' "
                    "FROM json_each(?2)")
                 .bind(1, to_unix_ms(now))
                 .bind(2, held)
                 .run();
    if (!h) return h;
    auto u = db_->prepare(
                    "UPDATE messages SET status = 'withheld', updated_at = ?1 "
                    "WHERE id IN (SELECT value FROM json_each(?2)) AND status = 'queued'")
                 .bind(1, to_unix_ms(now))
                 .bind(2, held)
                 .run();
    if (!u) return u;
    c.withheld = static_cast<std::int64_t>(withheld.size());
  }
  // A held text's validity starts again when it may go: held from Friday evening to Monday
  // morning it would otherwise expire on Saturday, unsent.
  for (const auto& [id, until] : held) {
    auto h = db_->prepare(
                    "UPDATE messages SET next_attempt_at = ?2, expires_at = MAX(expires_at, ?3) "
                    "WHERE id = ?1")
                 .bind(1, id)
                 .bind(2, to_unix_ms(until))
                 .bind(3, to_unix_ms(until + validity_))
                 .run();
    if (!h) return h;
  }
  c.held = static_cast<std::int64_t>(held.size());
  if (out.empty()) return c;
  // The history rows and the claim in one statement each, over the ids the SELECT returned
  // (nothing writes in between: one writer, one transaction). Per row, two statements cost the
  // store thread about a third more; running the ordered SELECT again as a subquery of each
  // cost it 8% more than reading the ids back with json_each (P2, 50,000 SMS). A claim that fails
  // here fails its job, whose rollback leaves every message queued: rows returned but not marked
  // `sending` would be sent and then claimed again.
  const std::string ids = json_id_list(out, [](const queued_sms& m) { return m.id; });
  auto history = db_->prepare(
                        "INSERT INTO message_status (message_id, status, at) "
                        "SELECT value, 'sending', ?1 FROM json_each(?2)")
                     .bind(1, to_unix_ms(now))
                     .bind(2, ids)
                     .run();
  if (!history) return history;
  auto claimed = db_->prepare(
                        "UPDATE messages SET status = 'sending', attempts = attempts + 1, "
                        "updated_at = ?1 WHERE id IN (SELECT value FROM json_each(?2)) "
                        "AND status = 'queued'")
                     .bind(1, to_unix_ms(now))
                     .bind(2, ids)
                     .run();
  if (!claimed) return claimed;
  if (static_cast<std::size_t>(db_->changes()) != out.size())
    return core::status::internal("claimed " + std::to_string(out.size()) + " SMS but marked " +
                                  std::to_string(db_->changes()) + " as sending");
  return c;
}

core::result<std::size_t> sqlite_store::mark_sent(
    const std::vector<std::pair<std::int64_t, std::string>>& accepted, core::instant now) {
  if (accepted.empty()) return std::size_t{0};
  const std::string ids = json_id_list(accepted, [](const auto& a) { return a.first; });
  auto& moved = db_->prepare(
      "UPDATE messages SET status = 'sent', updated_at = ?1 WHERE id IN (SELECT value FROM json_each(?2)) "
      "AND status = 'sending' RETURNING id");
  moved.bind(1, to_unix_ms(now)).bind(2, ids);
  std::vector<std::int64_t> applied;
  applied.reserve(accepted.size());
  while (moved.step()) applied.push_back(moved.column_int(0));
  auto status = moved.status();
  moved.reset();
  if (!status) return status;
  if (applied.empty()) return std::size_t{0};
  std::sort(applied.begin(), applied.end());
  // The history rows. Gateways mostly answer alike ("0: Accepted for delivery"): messages with
  // the same answer share one INSERT over a list of ids; an answer of its own (one naming the
  // gateway's message id) takes a row of its own. (One INSERT reading [id, answer] pairs out
  // of JSON cost more than a statement per row.)
  std::vector<std::pair<std::string_view, std::string>> by_detail;  // answer -> "[id,...]"
  for (const auto& [id, detail] : accepted) {
    if (!std::binary_search(applied.begin(), applied.end(), id)) continue;
    auto group = std::find_if(by_detail.begin(), by_detail.end(),
                              [&](const auto& g) { return g.first == detail; });
    if (group == by_detail.end() && by_detail.size() < 8) {
      by_detail.emplace_back(detail, "[");
      group = std::prev(by_detail.end());
    }
    if (group == by_detail.end()) {
      if (auto h = add_status_history(id, "sent", detail, now); !h) return h;
      continue;
    }
    if (group->second.size() > 1) group->second += ',';
    group->second += std::to_string(id);
  }
  for (auto& [detail, ids_of] : by_detail) {
    ids_of += ']';
    auto h = db_->prepare("INSERT INTO message_status (message_id, status, at, detail) "
                          "SELECT value, 'sent', ?1, ?3 FROM json_each(?2)")
                 .bind(1, to_unix_ms(now)).bind(2, ids_of).bind(3, detail).run();
    if (!h) return h;
  }
  return applied.size();
}

core::status sqlite_store::add_status_history(std::int64_t id, const std::string& status,
                                              const std::string& detail, core::instant now) {
  return db_->prepare("INSERT INTO message_status (message_id, status, at, detail) VALUES (?1, ?2, ?3, ?4)")
      .bind(1, id).bind(2, status).bind(3, to_unix_ms(now)).bind(4, detail).run();
}

core::result<bool> sqlite_store::unclaim_sms(std::int64_t id, const std::string& detail, core::instant now) {
  auto s = db_->prepare("UPDATE messages SET status = 'queued', attempts = MAX(attempts - 1, 0), updated_at = ?2 "
                        "WHERE id = ?1 AND status = 'sending'")
               .bind(1, id).bind(2, to_unix_ms(now)).run();
  if (!s) return s;
  if (db_->changes() == 0) return false;
  if (auto h = add_status_history(id, "queued", detail, now); !h) return h;
  return true;
}

core::status sqlite_store::set_message_status(std::int64_t id, const std::string& status,
                                              const std::string& detail, core::instant now,
                                              std::optional<core::instant> retry_at) {
  auto s = db_->prepare("UPDATE messages SET status = ?2, updated_at = ?3, "
                        "next_attempt_at = COALESCE(?4, next_attempt_at) WHERE id = ?1")
               .bind(1, id).bind(2, status).bind(3, to_unix_ms(now))
               .bind(4, retry_at ? std::optional<std::int64_t>(to_unix_ms(*retry_at)) : std::nullopt)
               .run();
  if (!s) return s;
  if (db_->changes() == 0) return core::status::not_found("message " + std::to_string(id));
  return add_status_history(id, status, detail, now);
}

core::result<bool> sqlite_store::set_send_outcome(std::int64_t id, const std::string& status,
                                                  const std::string& detail, core::instant now,
                                                  std::optional<core::instant> retry_at) {
  auto s =
      db_->prepare(
             "UPDATE messages SET status = ?2, updated_at = ?3, "
             "next_attempt_at = COALESCE(?4, next_attempt_at) "
             "WHERE id = ?1 AND status = 'sending'")
          .bind(1, id)
          .bind(2, status)
          .bind(3, to_unix_ms(now))
          .bind(4, retry_at ? std::optional<std::int64_t>(to_unix_ms(*retry_at)) : std::nullopt)
          .run();
  if (!s) return s;
  if (db_->changes() == 0) return false;
  if (auto h = add_status_history(id, status, detail, now); !h) return h;
  return true;
}

core::result<std::int64_t> sqlite_store::requeue_in_flight(core::instant now) {
  auto s = db_->exec("INSERT INTO message_status (message_id, status, at, detail) SELECT id, 'queued', " +
                     std::to_string(to_unix_ms(now)) +
                     ", 'requeued after restart' FROM messages WHERE direction = 'out' AND status = 'sending'");
  if (!s) return s;
  if (auto u = db_->exec("UPDATE messages SET status = 'queued' WHERE direction = 'out' AND status = 'sending'"); !u)
    return u;
  return static_cast<std::int64_t>(db_->changes());
}

std::optional<std::string> sqlite_store::message_status(std::int64_t id) {
  return db_->prepare("SELECT status FROM messages WHERE id = ?1").bind(1, id).first_text();
}

std::optional<sqlite_store::sent_message_state> sqlite_store::sent_message_status(
    std::int64_t id, const std::string& gateway) {
  auto& q = db_->prepare(
      "SELECT status, attempts FROM messages WHERE id = ?1 AND direction = 'out' AND gateway = ?2");
  q.bind(1, id).bind(2, gateway);
  std::optional<sent_message_state> out;
  if (q.step()) out = sent_message_state{q.column_text(0), q.column_int(1)};
  q.reset();
  return out;
}

core::status sqlite_store::add_timer(std::int64_t student_id, const std::string& kind,
                                     std::int64_t token, core::instant due) {
  return db_->prepare("INSERT INTO timers (student_id, kind, token, due_at) VALUES (?1, ?2, ?3, ?4)")
      .bind(1, student_id).bind(2, kind).bind(3, token).bind(4, to_unix_ms(due)).run();
}

std::vector<due_timer> sqlite_store::take_due_timers(core::instant now, int limit) {
  std::vector<due_timer> out;
  auto& q = db_->prepare("SELECT id, student_id, kind, token FROM timers WHERE fired = 0 AND due_at <= ?1 "
                         "ORDER BY due_at LIMIT ?2");
  q.bind(1, to_unix_ms(now)).bind(2, limit);
  while (q.step()) out.push_back({q.column_int(0), q.column_int(1), q.column_text(2), q.column_int(3)});
  q.reset();
  for (const auto& t : out)
    (void)db_->prepare("DELETE FROM timers WHERE id = ?1").bind(1, t.id).run();
  return out;
}

core::result<std::int64_t> sqlite_store::enqueue_job(const std::string& kind,
                                                     const std::string& payload, core::instant due,
                                                     core::instant now, job_priority priority) {
  auto s = db_->prepare(
                  "INSERT INTO outbox (kind, payload, due_at, created_at, priority) "
                  "VALUES (?1, ?2, ?3, ?4, ?5)")
               .bind(1, kind)
               .bind(2, payload)
               .bind(3, to_unix_ms(due))
               .bind(4, to_unix_ms(now))
               .bind(5, static_cast<std::int64_t>(priority))
               .run();
  if (!s) return s;
  return db_->last_insert_id();
}

std::vector<outbox_job> sqlite_store::claim_jobs(const std::string& kind, int limit, core::instant now) {
  std::vector<outbox_job> out;
  // `priority IN (0, 1)` (job_priority, the only values stored) makes each priority a range
  // search of outbox_due up to `now`, in the order of the index (no sort).
  static_assert(static_cast<int>(job_priority::crisis) == 0 &&
                static_cast<int>(job_priority::normal) == 1);
  auto& q = db_->prepare(
      "SELECT id, kind, payload, attempts, priority FROM outbox "
      "WHERE status = 'queued' AND kind = ?1 AND priority IN (0, 1) "
      "AND due_at <= ?2 ORDER BY priority, due_at, id LIMIT ?3");
  q.bind(1, kind).bind(2, to_unix_ms(now)).bind(3, limit);
  while (q.step())
    out.push_back({q.column_int(0), q.column_text(1), q.column_text(2),
                   static_cast<int>(q.column_int(3)) + 1,
                   q.column_int(4) == 0 ? job_priority::crisis : job_priority::normal});
  q.reset();
  for (const auto& j : out)
    (void)db_->prepare("UPDATE outbox SET status = 'running', attempts = attempts + 1 WHERE id = ?1").bind(1, j.id).run();
  return out;
}

core::status sqlite_store::release_job(std::int64_t id) {
  return db_
      ->prepare(
          "UPDATE outbox SET status = 'queued', attempts = MAX(attempts - 1, 0) "
          "WHERE id = ?1 AND status = 'running'")
      .bind(1, id)
      .run();
}

core::result<bool> sqlite_store::job_running(std::int64_t id) {
  auto& q = db_->prepare("SELECT 1 FROM outbox WHERE id = ?1 AND status = 'running'");
  q.bind(1, id);
  const bool running = q.step();
  core::status st = q.status();
  q.reset();
  if (!st) return st;
  return running;
}

core::status sqlite_store::finish_job(std::int64_t id) {
  return db_->prepare("UPDATE outbox SET status = 'done' WHERE id = ?1").bind(1, id).run();
}

core::result<int> sqlite_store::resume_jobs(const std::string& kind, core::instant now,
                                            const std::string& except_error_prefix) {
  // substr() rather than LIKE: the prefix is compared as it is, with no wildcard in it.
  auto s = db_->prepare(
                  "UPDATE outbox SET due_at = ?2 WHERE status = 'queued' AND kind = ?1 "
                  "AND priority IN (0, 1) AND attempts > 0 AND due_at > ?2 "
                  "AND (?3 = '' OR substr(last_error, 1, length(?3)) <> ?3)")
               .bind(1, kind)
               .bind(2, to_unix_ms(now))
               .bind(3, except_error_prefix)
               .run();
  if (!s) return s;
  return static_cast<int>(db_->changes());
}

core::status sqlite_store::retry_job(std::int64_t id, const std::string& error, core::instant retry_at) {
  // A run that ended (its post answered or failed) did not stop the process: the count of
  // interrupted runs starts again.
  return db_->prepare("UPDATE outbox SET status = 'queued', last_error = ?2, due_at = ?3, "
                      "interrupted = 0 WHERE id = ?1")
      .bind(1, id).bind(2, error).bind(3, to_unix_ms(retry_at)).run();
}

core::result<std::int64_t> sqlite_store::open_ticket(const ticket_row& t, core::instant now) {
  auto s = db_->prepare("INSERT INTO tickets (institution_id, student_id, category, urgency, status, role, "
                        "assignee, dialog_id, node_id, excerpt, created_at, updated_at) "
                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)")
               .bind(1, t.institution_id).bind(2, t.student_id).bind(3, t.category).bind(4, t.urgency)
               .bind(5, t.status).bind(6, t.role).bind(7, t.assignee).bind(8, t.dialog_id)
               .bind(9, t.node_id).bind(10, t.excerpt).bind(11, to_unix_ms(now)).run();
  if (!s) return s;
  std::int64_t id = db_->last_insert_id();
  if (auto e = add_ticket_event(id, "NEW", "tuki", t.category, now); !e) return e;
  return id;
}

core::status sqlite_store::update_ticket(std::int64_t id, const std::string& status,
                                         const std::string& role, const std::string& assignee,
                                         core::instant now) {
  return db_->prepare("UPDATE tickets SET status = ?2, role = ?3, assignee = ?4, updated_at = ?5 WHERE id = ?1")
      .bind(1, id).bind(2, status).bind(3, role).bind(4, assignee).bind(5, to_unix_ms(now)).run();
}

core::status sqlite_store::add_ticket_event(std::int64_t ticket_id, const std::string& event,
                                            const std::string& actor, const std::string& detail,
                                            core::instant now) {
  return db_->prepare("INSERT INTO ticket_events (ticket_id, at, event, actor, detail) VALUES (?1, ?2, ?3, ?4, ?5)")
      .bind(1, ticket_id).bind(2, to_unix_ms(now)).bind(3, event).bind(4, actor).bind(5, detail).run();
}

std::optional<ticket_row> sqlite_store::get_ticket(std::int64_t id) {
  auto& q = db_->prepare("SELECT id, institution_id, student_id, category, urgency, status, role, assignee, "
                         "dialog_id, node_id, excerpt FROM tickets WHERE id = ?1");
  q.bind(1, id);
  std::optional<ticket_row> out;
  if (q.step())
    out = ticket_row{q.column_int(0),  q.column_text(1), q.column_int(2),  q.column_text(3),
                     q.column_text(4), q.column_text(5), q.column_text(6), q.column_text(7),
                     q.column_text(8), q.column_text(9), q.column_text(10)};
  q.reset();
  return out;
}

core::status sqlite_store::save_ticket_state(std::int64_t id, const std::string& status,
                                             const std::string& role, const std::string& assignee,
                                             const std::string& state_json,
                                             std::optional<core::instant> sla_due,
                                             core::instant now) {
  std::optional<std::int64_t> due;
  if (sla_due) due = to_unix_ms(*sla_due);
  return db_->prepare("UPDATE tickets SET status = ?2, role = ?3, assignee = ?4, state = ?5, "
                      "sla_due_at = ?6, updated_at = ?7 WHERE id = ?1")
      .bind(1, id).bind(2, status).bind(3, role).bind(4, assignee).bind(5, state_json)
      .bind(6, due).bind(7, to_unix_ms(now)).run();
}

core::status sqlite_store::set_ticket_sla_due(std::int64_t id,
                                              std::optional<core::instant> sla_due) {
  std::optional<std::int64_t> due;
  if (sla_due) due = to_unix_ms(*sla_due);
  return db_->prepare("UPDATE tickets SET sla_due_at = ?2 WHERE id = ?1")
      .bind(1, id)
      .bind(2, due)
      .run();
}

std::optional<std::string> sqlite_store::ticket_state(std::int64_t id) {
  return db_->prepare("SELECT state FROM tickets WHERE id = ?1").bind(1, id).first_text();
}

std::vector<std::int64_t> sqlite_store::tickets_due(core::instant now, int limit) {
  auto& q = db_->prepare("SELECT id FROM tickets WHERE sla_due_at IS NOT NULL AND sla_due_at <= ?1 "
                         "ORDER BY sla_due_at, id LIMIT ?2");
  q.bind(1, to_unix_ms(now)).bind(2, limit);
  std::vector<std::int64_t> out;
  while (q.step()) out.push_back(q.column_int(0));
  q.reset();
  return out;
}

std::optional<std::int64_t> sqlite_store::open_ticket_of(std::int64_t student_id,
                                                         const std::string& category) {
  return db_
      ->prepare(
          "SELECT id FROM tickets WHERE student_id = ?1 AND category = ?2 "
          "AND status <> 'RESOLVED' ORDER BY id DESC LIMIT 1")
      .bind(1, student_id)
      .bind(2, category)
      .first_int();
}

std::optional<std::int64_t> sqlite_store::last_followed_up_ticket_of(std::int64_t student_id) {
  // The follow-up time is in the ticket's state: the student's resolved tickets are few.
  return db_
      ->prepare(
          "SELECT id FROM tickets WHERE student_id = ?1 AND status = 'RESOLVED' "
          "AND json_valid(state) AND json_extract(state, '$.followup_at') IS NOT NULL "
          "AND IFNULL(json_extract(state, '$.followup_skipped'), 0) = 0 "
          "ORDER BY json_extract(state, '$.followup_at') DESC, id DESC LIMIT 1")
      .bind(1, student_id)
      .first_int();
}

std::map<std::string, int> sqlite_store::open_ticket_counts(const std::string& institution_id) {
  // Kept by triggers on tickets (migration 10): one row per staff member, not a scan of tickets.
  auto& q =
      db_->prepare("SELECT assignee, open FROM ticket_load WHERE institution_id = ?1 AND open > 0");
  q.bind(1, institution_id);
  std::map<std::string, int> out;
  while (q.step()) out[q.column_text(0)] = static_cast<int>(q.column_int(1));
  q.reset();
  return out;
}

std::map<std::string, std::uint64_t> sqlite_store::routing_cursors(const std::string& institution_id) {
  auto& q = db_->prepare("SELECT cursor_key, value FROM routing_cursors WHERE institution_id = ?1");
  q.bind(1, institution_id);
  std::map<std::string, std::uint64_t> out;
  while (q.step()) out[q.column_text(0)] = static_cast<std::uint64_t>(q.column_int(1));
  q.reset();
  return out;
}

core::status sqlite_store::save_routing_cursor(const std::string& institution_id,
                                               const std::string& key, std::uint64_t value) {
  return db_->prepare("INSERT INTO routing_cursors (institution_id, cursor_key, value) VALUES (?1, ?2, ?3) "
                      "ON CONFLICT (institution_id, cursor_key) DO UPDATE SET value = excluded.value")
      .bind(1, institution_id).bind(2, key).bind(3, static_cast<std::int64_t>(value)).run();
}

core::result<bool> sqlite_store::use_link_nonce(const std::string& nonce, std::int64_t ticket_id,
                                                core::instant expires, core::instant now) {
  auto s = db_->prepare("INSERT OR IGNORE INTO used_link_nonces (nonce, ticket_id, used_at, expires_at) "
                        "VALUES (?1, ?2, ?3, ?4)")
               .bind(1, nonce).bind(2, ticket_id).bind(3, to_unix_ms(now)).bind(4, to_unix_ms(expires))
               .run();
  if (!s) return s;
  return db_->changes() == 1;
}

bool sqlite_store::link_nonce_used(const std::string& nonce) {
  auto& q = db_->prepare("SELECT 1 FROM used_link_nonces WHERE nonce = ?1");
  q.bind(1, nonce);
  bool used = q.step();
  q.reset();
  return used;
}

core::status sqlite_store::purge_link_nonces(core::instant now) {
  return db_->prepare("DELETE FROM used_link_nonces WHERE expires_at <= ?1").bind(1, to_unix_ms(now)).run();
}

core::status sqlite_store::add_checkin_outcome(std::int64_t student_id, const std::string& outcome,
                                               core::instant now) {
  return db_->prepare("INSERT INTO checkin_outcomes (student_id, outcome, at) VALUES (?1, ?2, ?3)")
      .bind(1, student_id).bind(2, outcome).bind(3, to_unix_ms(now)).run();
}

std::vector<std::string> sqlite_store::recent_checkin_outcomes(std::int64_t student_id, int limit) {
  auto& q = db_->prepare("SELECT outcome FROM checkin_outcomes WHERE student_id = ?1 "
                         "ORDER BY id DESC LIMIT ?2");
  q.bind(1, student_id).bind(2, limit);
  std::vector<std::string> out;
  while (q.step()) out.push_back(q.column_text(0));
  q.reset();
  return {out.rbegin(), out.rend()};
}

std::optional<std::int64_t> sqlite_store::message_student(std::int64_t message_id) {
  auto& q = db_->prepare("SELECT student_id FROM messages WHERE id = ?1");
  q.bind(1, message_id);
  std::optional<std::int64_t> out;
  if (q.step() && !q.column_is_null(0)) out = q.column_int(0);
  q.reset();
  return out;
}

core::status sqlite_store::fail_job(std::int64_t id, const std::string& error) {
  return db_->prepare("UPDATE outbox SET status = 'failed', last_error = ?2 WHERE id = ?1")
      .bind(1, id).bind(2, error).run();
}

core::status sqlite_store::audit(const std::string& actor, const std::string& action,
                                 const std::string& subject, const std::string& detail,
                                 core::instant now) {
  return db_->prepare("INSERT INTO audit_events (at, actor, action, subject, detail) VALUES (?1, ?2, ?3, ?4, ?5)")
      .bind(1, to_unix_ms(now)).bind(2, actor).bind(3, action).bind(4, subject).bind(5, detail).run();
}

bool sqlite_store::audited_since(const std::string& action, const std::string& subject,
                                 core::instant since) {
  return db_
      ->prepare(
          "SELECT 1 FROM audit_events WHERE action = ?1 AND subject = ?2 AND at >= ?3 "
          "LIMIT 1")
      .bind(1, action)
      .bind(2, subject)
      .bind(3, to_unix_ms(since))
      .first_int()
      .has_value();
}

std::vector<message_count> sqlite_store::count_messages() {
  std::vector<message_count> out;
  auto& q = db_->prepare("SELECT direction, status, COUNT(*) FROM messages GROUP BY direction, status");
  while (q.step()) out.push_back({q.column_text(0), q.column_text(1), q.column_int(2)});
  q.reset();
  return out;
}

std::int64_t sqlite_store::tickets_unrouted() {
  auto& q = db_->prepare("SELECT COUNT(*) FROM tickets WHERE status = 'NEW' AND state = ''");
  std::int64_t n = q.step() ? q.column_int(0) : 0;
  q.reset();
  return n;
}

std::int64_t sqlite_store::outbox_depth() {
  auto& q = db_->prepare("SELECT (SELECT COUNT(*) FROM messages WHERE direction = 'out' AND status = 'queued') "
                         "+ (SELECT COUNT(*) FROM messages WHERE direction = 'out' AND status = 'sending') "
                         "+ (SELECT COUNT(*) FROM outbox WHERE status IN ('queued', 'running'))");
  std::int64_t n = q.step() ? q.column_int(0) : 0;
  q.reset();
  return n;
}

}  // namespace tuki::adapters

namespace tuki::adapters {

core::result<sqlite_store::job_requeue> sqlite_store::requeue_running_jobs() {
  job_requeue out;
  // A job interrupted at its third start-up in a row is what stops the process: failed, with
  // the reason, instead of being run again.
  auto& failed = db_->prepare(
      "UPDATE outbox SET status = 'failed', interrupted = interrupted + 1, last_error = "
      "'stopped the process: found running at ' || (interrupted + 1) || ' start-ups in a row' "
      "WHERE status = 'running' AND interrupted + 1 >= ?1 RETURNING id, kind");
  failed.bind(1, max_interrupted_runs);
  while (failed.step()) out.failed.emplace_back(failed.column_int(0), failed.column_text(1));
  auto st = failed.status();
  failed.reset();
  if (!st) return st;
  // The claim counted an attempt that the crash cut short: it is taken back, as release_job
  // takes back the attempt of a job put back untried, so that restarts do not bring a job to
  // its alerts (a webhook's `webhook_undelivered` at attempt 12, mail's every 12th) early.
  if (auto s = db_->exec("UPDATE outbox SET status = 'queued', attempts = MAX(attempts - 1, 0), "
                         "interrupted = interrupted + 1 WHERE status = 'running'");
      !s)
    return s;
  out.requeued = static_cast<std::int64_t>(db_->changes());
  return out;
}

}  // namespace tuki::adapters
