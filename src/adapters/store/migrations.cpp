#include "tuki/adapters/store/migrations.hpp"

namespace tuki::adapters {

const std::vector<migration>& migrations() {
  static const std::vector<migration> all{
      {1, "institutions, students, staff, sessions, messages, outbox",
       R"sql(
CREATE TABLE institutions (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  country TEXT NOT NULL,
  timezone TEXT NOT NULL
);
CREATE TABLE students (
  id INTEGER PRIMARY KEY,
  institution_id TEXT NOT NULL REFERENCES institutions(id),
  student_ref TEXT NOT NULL,
  phone TEXT NOT NULL,
  first_name TEXT NOT NULL DEFAULT '',
  language TEXT NOT NULL DEFAULT '',
  grp TEXT NOT NULL DEFAULT '',
  campus TEXT NOT NULL DEFAULT '',
  start_date TEXT NOT NULL DEFAULT '',
  teacher_email TEXT NOT NULL DEFAULT '',
  timezone TEXT NOT NULL DEFAULT '',
  opted_out INTEGER NOT NULL DEFAULT 0,
  paused_until INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (institution_id, student_ref)
);
CREATE UNIQUE INDEX students_by_phone ON students (phone, institution_id);
CREATE TABLE staff (
  id INTEGER PRIMARY KEY,
  institution_id TEXT NOT NULL REFERENCES institutions(id),
  email TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  roles TEXT NOT NULL DEFAULT '',
  campuses TEXT NOT NULL DEFAULT '',
  groups TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  UNIQUE (institution_id, email)
);
CREATE TABLE sessions (
  student_id INTEGER PRIMARY KEY REFERENCES students(id),
  dialog_id TEXT NOT NULL,
  state TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  student_id INTEGER REFERENCES students(id),
  direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  status TEXT NOT NULL,
  gateway TEXT NOT NULL,
  gateway_id TEXT NOT NULL DEFAULT '',
  body TEXT NOT NULL,
  priority INTEGER NOT NULL DEFAULT 2,
  purpose TEXT NOT NULL DEFAULT '',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX messages_inbound_dedup ON messages (gateway, gateway_id)
  WHERE direction = 'in' AND gateway_id <> '';
CREATE INDEX messages_queue ON messages (priority, next_attempt_at)
  WHERE direction = 'out' AND status = 'queued';
CREATE TABLE message_status (
  message_id INTEGER NOT NULL REFERENCES messages(id),
  status TEXT NOT NULL,
  at INTEGER NOT NULL,
  detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX message_status_by_message ON message_status (message_id);
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'queued',
  attempts INTEGER NOT NULL DEFAULT 0,
  due_at INTEGER NOT NULL,
  last_error TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);
CREATE INDEX outbox_due ON outbox (kind, due_at) WHERE status = 'queued';
)sql"},
      {2, "tickets with history, timers, audit events, student programme",
       R"sql(
ALTER TABLE students ADD COLUMN programme TEXT NOT NULL DEFAULT '';
ALTER TABLE students ADD COLUMN extra TEXT NOT NULL DEFAULT '{}';
CREATE TABLE tickets (
  id INTEGER PRIMARY KEY,
  institution_id TEXT NOT NULL REFERENCES institutions(id),
  student_id INTEGER NOT NULL REFERENCES students(id),
  category TEXT NOT NULL,
  urgency TEXT NOT NULL,
  status TEXT NOT NULL,
  role TEXT NOT NULL DEFAULT '',
  assignee TEXT NOT NULL DEFAULT '',
  dialog_id TEXT NOT NULL DEFAULT '',
  node_id TEXT NOT NULL DEFAULT '',
  excerpt TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX tickets_open ON tickets (status, assignee);
CREATE TABLE ticket_events (
  id INTEGER PRIMARY KEY,
  ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  at INTEGER NOT NULL,
  event TEXT NOT NULL,
  actor TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ticket_events_by_ticket ON ticket_events (ticket_id);
CREATE TABLE timers (
  id INTEGER PRIMARY KEY,
  student_id INTEGER NOT NULL REFERENCES students(id),
  kind TEXT NOT NULL,
  token INTEGER NOT NULL,
  due_at INTEGER NOT NULL,
  fired INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX timers_due ON timers (due_at) WHERE fired = 0;
CREATE TABLE audit_events (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  subject TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT ''
);
)sql"},
      {3, "ticket state and SLA due time, routing state, used link nonces, check-in outcomes",
       R"sql(
ALTER TABLE tickets ADD COLUMN state TEXT NOT NULL DEFAULT '';
ALTER TABLE tickets ADD COLUMN sla_due_at INTEGER;
CREATE INDEX tickets_sla_due ON tickets (sla_due_at) WHERE sla_due_at IS NOT NULL;
CREATE TABLE routing_cursors (
  institution_id TEXT NOT NULL,
  cursor_key TEXT NOT NULL,
  value INTEGER NOT NULL,
  PRIMARY KEY (institution_id, cursor_key)
);
CREATE TABLE used_link_nonces (
  nonce TEXT PRIMARY KEY,
  ticket_id INTEGER NOT NULL,
  used_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE TABLE checkin_outcomes (
  id INTEGER PRIMARY KEY,
  student_id INTEGER NOT NULL REFERENCES students(id),
  outcome TEXT NOT NULL CHECK (outcome IN ('answered', 'unanswered', 'delivery_failed')),
  at INTEGER NOT NULL
);
CREATE INDEX checkin_outcomes_by_student ON checkin_outcomes (student_id, id);
)sql"},
      {4, "delivery: segments, expiry, failed deliveries, campaigns, planned sends, events",
       R"sql(
ALTER TABLE messages ADD COLUMN segments INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN encoding TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN expires_at INTEGER;
CREATE INDEX messages_expiring ON messages (expires_at)
  WHERE direction = 'out' AND status = 'queued' AND expires_at IS NOT NULL;
CREATE INDEX messages_in_outbox ON messages (status)
  WHERE direction = 'out' AND status IN ('queued', 'sending');
CREATE INDEX messages_last_inbound ON messages (student_id, created_at) WHERE direction = 'in';
ALTER TABLE students ADD COLUMN delivery_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE students ADD COLUMN last_delivery_failure_at INTEGER;
ALTER TABLE students ADD COLUMN last_checkin_at INTEGER;
CREATE TABLE campaigns (
  id INTEGER PRIMARY KEY,
  institution_id TEXT NOT NULL REFERENCES institutions(id),
  rule_id TEXT NOT NULL,
  run_key TEXT NOT NULL,
  dialog_id TEXT NOT NULL,
  selected INTEGER NOT NULL DEFAULT 0,
  planned INTEGER NOT NULL DEFAULT 0,
  skipped INTEGER NOT NULL DEFAULT 0,
  segments_estimate INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  UNIQUE (institution_id, rule_id, run_key)
);
CREATE TABLE planned_sends (
  id INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
  student_id INTEGER NOT NULL REFERENCES students(id),
  day INTEGER NOT NULL DEFAULT 0,
  due_at INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'planned',
  updated_at INTEGER NOT NULL,
  UNIQUE (campaign_id, student_id)
);
CREATE INDEX planned_sends_due ON planned_sends (due_at) WHERE status = 'planned';
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  institution_id TEXT NOT NULL REFERENCES institutions(id),
  student_id INTEGER NOT NULL REFERENCES students(id),
  event TEXT NOT NULL,
  day TEXT NOT NULL,
  value REAL NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL
);
CREATE INDEX events_by_student ON events (student_id, event, day);
CREATE TABLE rule_runs (
  institution_id TEXT NOT NULL,
  rule_id TEXT NOT NULL,
  student_id INTEGER NOT NULL,
  run_key TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (institution_id, rule_id, student_id, run_key)
);
CREATE TABLE scheduler_marks (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
)sql"},
      {5, "timers: a fired timer is deleted, not kept marked",
       R"sql(
DELETE FROM timers WHERE fired = 1;
)sql"},
      // The UNIQUE (campaign_id, student_id) index cost half of storing a campaign's sends
      // (measured: 100,000 rows in 280 ms with it, 141 ms without) and guarded nothing: a
      // campaign's sends are written once, in the transaction that creates the campaign, one per
      // candidate, and candidates are distinct students (one SELECT over students by id).
      {6, "planned sends: no unique index over (campaign, student)",
       R"sql(
CREATE TABLE planned_sends_v6 (
  id INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
  student_id INTEGER NOT NULL REFERENCES students(id),
  day INTEGER NOT NULL DEFAULT 0,
  due_at INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'planned',
  updated_at INTEGER NOT NULL
);
INSERT INTO planned_sends_v6 (id, campaign_id, student_id, day, due_at, status, updated_at)
  SELECT id, campaign_id, student_id, day, due_at, status, updated_at FROM planned_sends;
DROP TABLE planned_sends;
ALTER TABLE planned_sends_v6 RENAME TO planned_sends;
CREATE INDEX planned_sends_due ON planned_sends (due_at) WHERE status = 'planned';
)sql"},
      // An event is one student's `event` on one day (the student fixes the institution); before
      // this, importing a file again added its events a second time and triggers summed them
      // twice. Of the copies the last one stored (highest id) stays, as a new import would leave
      // it. The unique index replaces the plain one over the same columns.
      {7, "events: one row per (student, event, day)",
       R"sql(
DELETE FROM events WHERE id NOT IN (SELECT MAX(id) FROM events GROUP BY student_id, event, day);
DROP INDEX events_by_student;
CREATE UNIQUE INDEX events_by_student ON events (student_id, event, day);
)sql"},
      {8,
       "messages to a phone number without a student (the crisis answer to an unregistered sender)",
       R"sql(
ALTER TABLE messages ADD COLUMN phone TEXT;
CREATE INDEX messages_by_phone ON messages (phone, created_at) WHERE phone IS NOT NULL;
)sql"},
      // Claiming an SMS (queued -> sending) moved it inside messages_in_outbox, a delete and an
      // insert on every claim, although queued messages are all in messages_queue already. Only
      // `sending` needs an index of its own (the restart's requeue, the outbox depth): one
      // B-tree operation fewer per SMS sent (claims 25% cheaper in the P2 benchmark).
      {9, "an index of the SMS being sent instead of the whole outbox's",
       R"sql(
DROP INDEX messages_in_outbox;
CREATE INDEX messages_sending ON messages (id) WHERE direction = 'out' AND status = 'sending';
)sql"},
      // Routing a new ticket asks how many open tickets each staff member has. Counting them
      // scanned every ticket of the institution (status <> 'RESOLVED' cannot use an index),
      // so each new ticket cost more than the last: 1.3 ms per ticket once 7,000 were open in
      // the P1 benchmark, a third of the store thread's SQL time. The counts are kept by
      // triggers instead, so every write to tickets keeps them right, whichever code path makes
      // it, and reading them costs one row per staff member.
      {10, "open ticket counts per assignee, kept by triggers",
       R"sql(
CREATE TABLE ticket_load (
  institution_id TEXT NOT NULL,
  assignee TEXT NOT NULL,
  open INTEGER NOT NULL,
  PRIMARY KEY (institution_id, assignee)
) WITHOUT ROWID;
INSERT INTO ticket_load (institution_id, assignee, open)
  SELECT institution_id, assignee, COUNT(*) FROM tickets
  WHERE status <> 'RESOLVED' AND assignee <> '' GROUP BY institution_id, assignee;
CREATE TRIGGER ticket_load_insert AFTER INSERT ON tickets
  WHEN NEW.status <> 'RESOLVED' AND NEW.assignee <> ''
BEGIN
  INSERT INTO ticket_load (institution_id, assignee, open) VALUES (NEW.institution_id, NEW.assignee, 1)
    ON CONFLICT (institution_id, assignee) DO UPDATE SET open = open + 1;
END;
CREATE TRIGGER ticket_load_update_old AFTER UPDATE OF institution_id, status, assignee ON tickets
  WHEN OLD.status <> 'RESOLVED' AND OLD.assignee <> ''
BEGIN
  UPDATE ticket_load SET open = open - 1
    WHERE institution_id = OLD.institution_id AND assignee = OLD.assignee;
END;
CREATE TRIGGER ticket_load_update_new AFTER UPDATE OF institution_id, status, assignee ON tickets
  WHEN NEW.status <> 'RESOLVED' AND NEW.assignee <> ''
BEGIN
  INSERT INTO ticket_load (institution_id, assignee, open) VALUES (NEW.institution_id, NEW.assignee, 1)
    ON CONFLICT (institution_id, assignee) DO UPDATE SET open = open + 1;
END;
CREATE TRIGGER ticket_load_delete AFTER DELETE ON tickets
  WHEN OLD.status <> 'RESOLVED' AND OLD.assignee <> ''
BEGIN
  UPDATE ticket_load SET open = open - 1
    WHERE institution_id = OLD.institution_id AND assignee = OLD.assignee;
END;
)sql"},
      // Two more reads that grew with the data (an audit of every statement's query plan):
      // a student's resolved tickets, read on every answer to the "did you get help?"
      // follow-up, went through all resolved tickets of every student (4-7 ms a reply with
      // 10,000-50,000 resolved); the /metrics count of pending mail and webhook jobs scanned
      // every job ever queued (27 ms at 200,000). Each index is written only when a ticket is
      // resolved or a job changes state, never per SMS.
      {11, "indexes of resolved tickets per student and of pending jobs",
       R"sql(
CREATE INDEX tickets_resolved_by_student ON tickets (student_id, id) WHERE status = 'RESOLVED';
CREATE INDEX outbox_pending ON outbox (status) WHERE status IN ('queued', 'running');
)sql"},
      // The outbox claim now looks for priorities 0-2 only (core::sms_priority, all tuki ever
      // stores); a message written with another one by hand would never be sent.
      {12, "queued SMS priorities within crisis, reply and bulk",
       R"sql(
UPDATE messages SET priority = MIN(MAX(priority, 0), 2)
  WHERE direction = 'out' AND status = 'queued' AND priority NOT IN (0, 1, 2);
)sql"},
      // Mail and webhook jobs were claimed by due time alone: after an SMTP outage a crisis
      // email waited behind every notice queued before it. Jobs now carry a priority
      // (adapters::job_priority: 0 crisis, 1 the rest) and are claimed by it first. Jobs
      // still pending get theirs from their ticket (crisis category or urgent); a mail job
      // without a ticket is an unregistered crisis (unregistered_crisis.cpp).
      {13, "mail and webhook jobs claimed crisis first",
       R"sql(
ALTER TABLE outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 1;
UPDATE outbox SET priority = 0 WHERE id IN (
  SELECT id FROM (
    SELECT id, kind,
           CASE WHEN json_valid(payload) THEN IFNULL(json_extract(payload, '$.ticket_id'), 0) END
             AS ticket
      FROM outbox WHERE status IN ('queued', 'running'))
  WHERE (kind = 'mail' AND ticket = 0)
     OR ticket IN (SELECT id FROM tickets WHERE category = 'crisis' OR urgency = 'urgent'));
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox (kind, priority, due_at) WHERE status = 'queued';
)sql"},
      // A ticket nobody could take when it was opened (no staff, no coordinator) stayed NEW with
      // no state and no SLA deadline, so nothing ever routed it. The SLA pump now routes such
      // tickets again (ticket_desk::route_unrouted); those stored before are made due at once.
      {14, "tickets opened with nobody to route them to are routed again",
       R"sql(
UPDATE tickets SET sla_due_at = updated_at
 WHERE status = 'NEW' AND state = '' AND sla_due_at IS NULL;
)sql"},
      // Staff could be added and updated but not removed: someone who left kept getting new
      // tickets and reminders. A row is deactivated instead of deleted (tickets and their
      // history name the person); routing passes over inactive staff, and importing them
      // again makes them active.
      {15, "staff can be deactivated",
       R"sql(
ALTER TABLE staff ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
)sql"},
      // A crisis ticket nobody acknowledged went quiet after its one escalation: its SLA
      // deadline was cleared. It is now escalated again every crisis_escalate_after
      // (routing::next_deadline); those stored before are made due, and the SLA pump works out
      // their next step.
      {16, "unacknowledged crisis tickets escalated before are escalated again",
       R"sql(
UPDATE tickets SET sla_due_at = updated_at
 WHERE sla_due_at IS NULL AND status <> 'RESOLVED' AND (category = 'crisis' OR urgency = 'urgent')
   AND json_valid(state) AND json_extract(state, '$.status') <> 'RESOLVED'
   AND json_extract(state, '$.acknowledged_at') IS NULL
   AND json_extract(state, '$.escalated_at') IS NOT NULL;
)sql"},
      // A student's message with no session waiting starts the student_message dialog; when it
      // started one lately, only a message that names a problem is answered (no loop with an
      // auto-responder or a chatty student): sqlite_store::audited_since looks it up.
      {17, "audit events found by action and subject",
       R"sql(
CREATE INDEX audit_by_action_subject ON audit_events (action, subject, at);
)sql"},
      // No open ticket goes quiet any more: one escalated but never acknowledged is escalated
      // again every escalate_repeat_after, and one acknowledged but never resolved asks its
      // assignees every still_open_after whether it still is open (routing::next_deadline).
      // Open tickets stored without a deadline are made due; the SLA pump works out their step.
      {18, "open tickets without an SLA deadline are looked at again",
       R"sql(
UPDATE tickets SET sla_due_at = updated_at
 WHERE sla_due_at IS NULL AND status <> 'RESOLVED'
   AND json_valid(state) AND json_extract(state, '$.status') <> 'RESOLVED';
)sql"},
      // sqlite_store::open_ticket_of (each unprompted reply that opens a ticket, on the store
      // thread) walked every ticket: the student's open tickets are few. Partial, as the query
      // asks only for open ones, so resolved tickets do not grow it.
      {19, "a student's open tickets found by category",
       R"sql(
CREATE INDEX tickets_open_by_student ON tickets (student_id, category, id) WHERE status <> 'RESOLVED';
)sql"},
      // STOP was kept on the student row only: the number that sent it was texted again when
      // an import gave it to another row (re-enrolment under a new ref, a sibling, a data fix),
      // and a STOP from a number tuki did not know yet was forgotten. It is now kept per number
      // too, until START from it: a row given a listed number is opted out
      // (sqlite_store::upsert_student), so the claim and campaigns still read the row flag.
      // Numbers of rows opted out before are listed, and every row holding them opted out.
      {20, "STOP kept per phone number",
       R"sql(
CREATE TABLE opted_out_numbers (
  number TEXT PRIMARY KEY,
  at INTEGER NOT NULL
) WITHOUT ROWID;
INSERT OR IGNORE INTO opted_out_numbers (number, at)
  SELECT phone, MAX(updated_at) FROM students WHERE opted_out = 1 AND phone LIKE '+%' GROUP BY phone;
UPDATE students SET opted_out = 1
 WHERE opted_out = 0 AND phone IN (SELECT number FROM opted_out_numbers);
)sql"},
      // A mail or webhook job whose run stops the process (a crash in its post) was queued
      // again at every start-up with its attempt given back: the service crash-looped for ever.
      // Start-ups that find a job `running` are counted until one of its runs ends normally;
      // the third fails the job (sqlite_store::requeue_running_jobs).
      {21, "interrupted runs of outbox jobs",
       R"sql(
ALTER TABLE outbox ADD COLUMN interrupted INTEGER NOT NULL DEFAULT 0;
)sql"},
  };
  return all;
}

int latest_schema_version() { return migrations().back().version; }

core::result<int> schema_version(sqlite_connection& db) {
  if (auto s = db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"); !s)
    return s;
  auto& q = db.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_version");
  int v = q.step() ? static_cast<int>(q.column_int(0)) : 0;
  q.reset();
  return v;
}

namespace {

core::status newer_than_code(int version) {
  return core::status::invalid_argument(
      "database schema version " + std::to_string(version) + " is newer than this tuki (" +
      std::to_string(latest_schema_version()) + "); upgrade tuki");
}

}  // namespace

core::status migrate(sqlite_connection& db, int target) {
  if (target < 0) target = latest_schema_version();
  auto current = schema_version(db);
  if (!current) return current.error();
  if (*current > latest_schema_version()) return newer_than_code(*current);
  for (const auto& m : migrations()) {
    if (m.version <= *current || m.version > target) continue;
    if (auto s = db.exec("BEGIN IMMEDIATE"); !s) return s;
    // Read again under the write lock: another process (`tuki serve` and a cron `tuki students
    // import` after an upgrade) may have migrated since the read above; its migrations are not
    // run twice ("duplicate column").
    auto now = schema_version(db);
    if (!now) {
      (void)db.exec("ROLLBACK");
      return now.error();
    }
    if (*now >= m.version) {
      if (auto c = db.exec("COMMIT"); !c) return c;
      if (*now > latest_schema_version()) return newer_than_code(*now);
      *current = *now;
      continue;
    }
    core::status s = db.exec(m.sql);
    if (s) s = db.exec("DELETE FROM schema_version; INSERT INTO schema_version VALUES (" +
                       std::to_string(m.version) + ")");
    if (!s) {
      (void)db.exec("ROLLBACK");
      return core::status::io_error("migration " + std::to_string(m.version) + " (" +
                                    std::string(m.description) + ") failed: " + s.message());
    }
    if (auto c = db.exec("COMMIT"); !c) return c;
  }
  return core::status::ok();
}

}  // namespace tuki::adapters
