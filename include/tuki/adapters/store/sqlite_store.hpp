#pragma once
// tuki's SQLite store: every table behind one class. The connection is owned by the store thread
// (see app/write_queue.hpp): call these methods only from jobs running there, inside the batch
// transaction that the write queue opens. Readers on other threads open their own connection.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tuki/adapters/store/sqlite_connection.hpp"
#include "tuki/adapters/store/wal_tail_checkpoint.hpp"
#include "tuki/core/instant.hpp"
#include "tuki/core/staff_member.hpp"
#include "tuki/core/status.hpp"
#include "tuki/core/student.hpp"

namespace tuki::adapters {

struct queued_sms {
  std::int64_t id = 0;
  std::int64_t student_id = 0;  // 0: a message to a number without a student
  std::string gateway;
  std::string to;
  std::string body;
  int attempts = 0;
  int segments = 1;  // SMS segments the body costs (GSM-7/UCS-2), for rate limiting
  int priority = 2;  // core::sms_priority
};

/// A due message to a student that is not a crisis text, as a claim asks whether it must wait
/// (sqlite_store::claim_hold).
struct hold_candidate {
  std::string_view institution_id;
  std::string_view timezone;  // the student's own; empty: the institution's
  int priority = 2;           // core::sms_priority: 1 reply, 2 bulk
  core::instant created_at;   // when it was queued
};

struct stored_session {
  std::string dialog_id;
  std::string state_json;
};

struct due_timer {
  std::int64_t id = 0;
  std::int64_t student_id = 0;
  std::string kind;
  std::int64_t token = 0;
};

/// The order in which mail and webhook jobs are claimed (outbox.priority, migration 13): the
/// notices of a crisis first (a crisis or urgent ticket's, an unregistered crisis), so that a
/// backlog after an outage never holds a crisis back.
enum class job_priority { crisis = 0, normal = 1 };

struct outbox_job {
  std::int64_t id = 0;
  std::string kind;
  std::string payload;
  int attempts = 0;
  job_priority priority = job_priority::normal;
};

struct ticket_row {
  std::int64_t id = 0;
  std::string institution_id;
  std::int64_t student_id = 0;
  std::string category, urgency, status, role, assignee, dialog_id, node_id, excerpt;
};

struct message_count {
  std::string direction, status;
  std::int64_t count = 0;
};

/// A student as campaign planning needs it (schema 4): attributes for audiences, zone, caps.
struct campaign_candidate_row {
  std::int64_t id = 0;
  std::string ref, first_name, language, group, campus, programme, timezone, start_date;
  std::string extra_json;  // other imported columns (dates for milestones), a JSON object
  bool opted_out = false;
  bool active = false;  // a dialog session is in progress
  std::optional<core::instant> paused_until;
  std::optional<core::instant> last_checkin;
};

/// One planned campaign (a manual `tuki campaign send`, or one run of a schedule rule).
/// (institution_id, rule_id, run_key) is unique: a rule run is planned at most once.
struct campaign_row {
  std::int64_t id = 0;
  std::string institution_id, rule_id, run_key, dialog_id;
  std::int64_t selected = 0, planned = 0, skipped = 0, segments_estimate = 0;
};

struct planned_send_row {
  std::int64_t student_id = 0;
  std::uint32_t day = 0;  // campaign day
  core::instant due;
};

struct due_planned_send {
  std::int64_t id = 0;
  std::int64_t campaign_id = 0;
  std::int64_t student_id = 0;
  std::string dialog_id;
  core::instant due;
  std::optional<core::instant> last_checkin;  // the student's, when one was ever started
};

struct delivery_failure_row {
  std::int64_t student_id = 0;
  std::string ref;
  std::int64_t failures = 0;
  std::optional<core::instant> last_failure;
};

/// An imported data event (student, kind, institution-local day YYYY-MM-DD, value).
struct event_row {
  std::int64_t student_id = 0;
  std::string event;
  std::string day;
  double value = 1;
};

/// What add_events did with each event it was given.
struct events_stored {
  std::size_t added = 0;      // not stored before
  std::size_t updated = 0;    // stored before with another value, which it replaced
  std::size_t unchanged = 0;  // stored before with the same value: nothing changed
};

/// What upsert_staff did with the staff members it was given.
struct staff_stored {
  std::size_t added = 0;      // an email not stored before (in any case)
  std::size_t updated = 0;    // stored before, with another value or its email in another case
  std::size_t unchanged = 0;  // stored before with every value: nothing changed
  /// Of `updated`: deactivated before, active again.
  std::size_t reactivated = 0;
};

/// What deactivate_staff did.
struct staff_deactivated {
  std::vector<std::int64_t> ids;  // staff rows deactivated now (active before), by id
  std::size_t already = 0;        // named, but inactive already: nothing changed
  /// Open tickets with one of `ids` among their assignees, made due for the SLA pump now (it
  /// hands them over: ticket_desk::run_sla).
  std::size_t tickets_due = 0;
};

/// A number on the opt-out list (opted_out_numbers), as `tuki students opted-out` shows it.
struct opted_out_number {
  std::string number;        // E.164
  core::instant since;       // when it was listed (its first STOP since the last START)
  std::size_t students = 0;  // student rows holding it now, of any institution
};

class sqlite_store {
 public:
  /// Opens the database at `path`, sets WAL and `synchronous`, and migrates it to the latest
  /// schema.
  static core::result<std::unique_ptr<sqlite_store>> open(const std::string& path,
                                                          const std::string& synchronous = "full");
  sqlite_connection& db() { return *db_; }

  core::status begin();
  /// Commits; then runs what waits for it (sqlite_connection::after_commit) and, when
  /// keep_wal_short is on and the WAL has grown to its limit, checkpoints its tail so that the
  /// next transaction restarts the WAL (wal_tail_checkpoint.hpp).
  core::status commit();
  void rollback();
  /// For the long-running writer whose checkpoints run on another connection (autocheckpoint off):
  /// keep the WAL under about `max_frames` pages. Store thread only.
  void keep_wal_short(int max_frames, std::shared_ptr<wal_checkpointer> background = nullptr);
  /// WAL restarts made by keep_wal_short so far.
  std::uint64_t wal_restarts() const { return tail_ ? tail_->runs() : 0; }

  core::status upsert_institution(const std::string& id, const std::string& name,
                                  const std::string& country, const std::string& timezone);
  /// Inserts or updates (by institution + student ref) every student; returns how many were new.
  core::result<std::int64_t> upsert_students(const std::vector<core::student>& students,
                                             core::instant now);
  /// Inserts or updates one student (no lookup first: the bulk import path). An update sets only
  /// the extra columns named in `s.extra` (an empty value removes one; the others keep their
  /// stored values) and the programme only when `set_programme`: a file without a column leaves
  /// it alone. A phone number another student has already gives `already_exists`. True when the
  /// row was written (new, or a value changed); false when it already held every value (the row,
  /// its updated_at included, is left as it was).
  core::result<bool> upsert_student(const core::student& s, core::instant now,
                                    bool set_programme = true);
  /// A bulk upsert in two steps (the students import): stage the rows, then copy ranges of
  /// them into students with upsert_student's rules. Staged rows are kept in a TEMP table of
  /// this connection, which takes no lock of the database: a caller may stage a million rows
  /// while another connection writes, then copy them in short transactions. Returns the row's
  /// stage number (1, 2, ... after clear_staged_students; `line`: where the row came from).
  core::result<std::int64_t> stage_student(const core::student& s, std::size_t line);
  /// What a copy wrote: stored students given a new value, and new students.
  struct copied_students {
    std::int64_t updated = 0;
    std::int64_t inserted = 0;
    std::int64_t written() const { return updated + inserted; }
  };
  /// Copies staged rows first..last; returns how many were updated and inserted.
  /// All or nothing: on an error nothing of the range is written (a phone number that a student
  /// outside the range holds: copy the rows one at a time to find which). Store thread or CLI,
  /// inside the caller's transaction or as one of its own. `all_new`: the caller knows that no
  /// row of the range is stored (an institution's first import, its ids checked unique): the
  /// look-up of stored rows, a fifth of the copy, is skipped, and a stored row would be left
  /// as it is.
  core::result<copied_students> copy_staged_students(std::int64_t first, std::int64_t last,
                                                     core::instant now, bool set_programme,
                                                     bool all_new = false);
  struct staged_student_row {
    std::size_t line = 0;
    std::string ref;
    std::string phone;
  };
  std::optional<staged_student_row> staged_student(std::int64_t seq);
  /// Empties the stage (the next row staged is 1 again).
  core::status clear_staged_students();
  /// Inserts or updates staff by email, ignoring its case: a row stored under another case of
  /// the same email is replaced. A row that already holds every value is left as it was. Every
  /// member given is active afterwards (a deactivated one is active again: `reactivated`).
  core::result<staff_stored> upsert_staff(const std::vector<core::staff_member>& staff);
  /// Deactivates the institution's staff with these emails (any case): kept, but never routed to
  /// again. Their open tickets are made due at `now` for the SLA pump, which hands them over.
  /// not_found naming every email the institution has no staff row for, and nothing changed.
  core::result<staff_deactivated> deactivate_staff(const std::string& institution_id,
                                                   const std::vector<std::string>& emails,
                                                   core::instant now);
  std::optional<core::student> find_student_by_phone(const std::string& phone);
  /// Every student with this number, oldest first: a number is unique per institution only (a
  /// student who moved schools may have a row in each).
  std::vector<core::student> find_students_by_phone(const std::string& phone);
  std::optional<core::student> get_student(std::int64_t id);
  /// Ids of the institution's students, filtered by group, campus or ref ("all" = every one).
  std::vector<std::int64_t> select_students(const std::string& institution_id,
                                            const std::string& selector);
  /// Every staff row of the institution, by id, deactivated ones too (`active` false).
  std::vector<core::staff_member> list_staff(const std::string& institution_id);
  /// Sets the student's opt-out and pause. STOP is kept per number too (opted_out_numbers): an
  /// opt-out lists the row's number and opts out every student row holding it; clearing the
  /// opt-out of a row that had one (START) ends the listing and the opt-out of those rows.
  core::status set_contact_state(std::int64_t student_id, bool opted_out,
                                 std::optional<core::instant> paused_until, core::instant now);
  /// STOP (opted_out) or START from an E.164 number, whoever holds it: lists the number or ends
  /// its listing, and sets the opt-out of every student row holding it. A student row that
  /// upsert_student gives a listed number (new, or a number changed) is opted out.
  core::status set_number_opted_out(const std::string& phone, bool opted_out, core::instant now);
  /// Whether the number sent STOP (or the gateway said it blocked us) and no START since.
  bool number_opted_out(const std::string& phone);
  /// Every listed number, by number.
  std::vector<opted_out_number> opted_out_numbers();

  std::optional<stored_session> load_session(std::int64_t student_id);
  core::status save_session(std::int64_t student_id, const std::string& dialog_id,
                            const std::string& state_json, core::instant now);
  core::status delete_session(std::int64_t student_id);
  /// The distinct (dialog id, dialog version) pairs the stored sessions run on: which versions a
  /// dialog reload must keep. Scans every session: run it on a read connection.
  std::vector<std::pair<std::string, std::string>> session_dialog_versions();

  /// Stores an inbound message; already_exists when (gateway, gateway_id) was seen before.
  core::result<std::int64_t> insert_inbound(std::optional<std::int64_t> student_id,
                                            const std::string& gateway,
                                            const std::string& gateway_id,
                                            const std::string& body, core::instant now);
  core::result<std::int64_t> enqueue_sms(std::int64_t student_id, const std::string& gateway,
                                         const std::string& body, int priority,
                                         const std::string& purpose, core::instant due,
                                         core::instant now);
  /// An SMS to a number that belongs to no student (student_id 0 when claimed): the crisis
  /// answer to an unregistered sender. The number is stored on the message row only.
  core::result<std::int64_t> enqueue_sms_to_phone(const std::string& phone, const std::string& gateway,
                                                  const std::string& body, int priority,
                                                  const std::string& purpose, core::instant due,
                                                  core::instant now);
  /// Whether an outbound SMS with `purpose` was queued to `phone` (a number without a student)
  /// at or after `since`.
  bool sent_to_phone_since(const std::string& phone, const std::string& purpose, core::instant since);
  /// Makes every retry waiting for `gateway` (queued after a failed attempt, due later) due at
  /// `now`, so that the next claims take them in priority order again; returns how many. Not
  /// first attempts planned for later (a staggered campaign), nor the messages in `keep` (the
  /// retries the calling job has just stored: their backoff stands).
  core::result<int> resume_gateway(const std::string& gateway, core::instant now,
                                   const std::vector<std::int64_t>& keep = {});
  /// Moves up to `limit` due queued SMS to `sending` (attempts + 1, a history row each) and
  /// returns them, highest priority first. An error leaves the caller's job to roll back (none
  /// of them is then claimed). A message tuki starts (bulk priority: a check-in's opening, a
  /// reminder) to a student who has since opted out or paused is not sent: it moves to
  /// `withheld` instead (with a history row) and counts in `withheld`, and is not returned.
  /// Answers to what the student wrote (the STOP confirmation among them) and crisis texts go.
  /// With `hold`, a message to a student that is not a crisis text and for which hold answers a
  /// moment (quiet hours: app::quiet_hours_hold) stays queued until then, is not returned, and
  /// counts in `held`.
  struct sms_claim {
    std::vector<queued_sms> sms;
    std::int64_t withheld = 0;
    std::int64_t held = 0;
  };
  using claim_hold = std::function<std::optional<core::instant>(const hold_candidate&)>;
  /// `max_priority` below 2 claims only the more urgent (0: crisis texts; 1: also replies).
  core::result<sms_claim> claim_sms_batch(int limit, core::instant now, int max_priority = 2,
                                          const claim_hold& hold = {});
  /// claim_sms_batch's messages alone.
  core::result<std::vector<queued_sms>> claim_sms(int limit, core::instant now);
  /// Records a status transition of a message with its history row.
  core::status set_message_status(std::int64_t id, const std::string& status,
                                  const std::string& detail, core::instant now,
                                  std::optional<core::instant> retry_at = std::nullopt);
  /// The outcome of a send other than an acceptance (queued again for a retry, failed), with its
  /// history row, but only while the message is still `sending`, like mark_sent: a delivery
  /// report that overtook a timed-out answer (`delivered` while `sending`) is kept, and the
  /// message is not sent again. False (nothing written) when it is no longer `sending`.
  core::result<bool> set_send_outcome(std::int64_t id, const std::string& status,
                                      const std::string& detail, core::instant now,
                                      std::optional<core::instant> retry_at);
  /// The gateways' acceptances: each (id, answer) moves to `sent` with a history row holding
  /// the answer, but only while the message is still `sending`. One whose delivery report
  /// overtook the answer has moved on and is left as it is, with no history row. Two statements
  /// for the whole list (a statement per message cost the store thread about a third more).
  /// Returns how many moved.
  core::result<std::size_t> mark_sent(const std::vector<std::pair<std::int64_t, std::string>>& accepted,
                                      core::instant now);
  /// A claimed message that was never handed to its gateway (the service stopped first) goes
  /// back to `queued` with the claim's attempt taken back, so stops do not use up its retries.
  /// False (nothing written) when it is no longer `sending`.
  core::result<bool> unclaim_sms(std::int64_t id, const std::string& detail, core::instant now);
  /// Messages left in `sending` by a crash go back to `queued`; returns how many (these may have
  /// reached the gateway already: the only window where a message can be sent twice).
  core::result<std::int64_t> requeue_in_flight(core::instant now);
  /// Outbox jobs left `running` by a crash go back to `queued` with the claim's attempt taken
  /// back (the crash cut it short), as release_job does. A job found `running` by
  /// `max_interrupted_runs` start-ups in a row (no run of it ended normally in between) is taken
  /// to stop the process itself and is failed instead, so that the service does not crash-loop.
  static constexpr int max_interrupted_runs = 3;
  struct job_requeue {
    std::int64_t requeued = 0;
    std::vector<std::pair<std::int64_t, std::string>> failed;  // (job id, kind)
  };
  core::result<job_requeue> requeue_running_jobs();
  std::optional<std::string> message_status(std::int64_t id);
  /// The status of outbound message `id` if `gateway` sent it, and how often it was handed to
  /// the gateway (claimed); nullopt for an inbound message, another gateway's or an unknown id
  /// (what a delivery report may change).
  struct sent_message_state {
    std::string status;
    std::int64_t attempts = 0;
  };
  std::optional<sent_message_state> sent_message_status(std::int64_t id,
                                                        const std::string& gateway);

  core::status add_timer(std::int64_t student_id, const std::string& kind, std::int64_t token,
                         core::instant due);
  /// Up to `limit` timers due at `now`, earliest first, removed in the caller's transaction (a
  /// rollback keeps them; the table holds only timers still to fire). The `fired` column of
  /// older databases stays 0 for every row.
  std::vector<due_timer> take_due_timers(core::instant now, int limit);

  core::result<std::int64_t> enqueue_job(const std::string& kind, const std::string& payload,
                                         core::instant due, core::instant now,
                                         job_priority priority = job_priority::normal);
  /// Up to `limit` jobs of `kind` due at `now`, crisis first, then by due time; each becomes
  /// `running` with one attempt more.
  std::vector<outbox_job> claim_jobs(const std::string& kind, int limit, core::instant now);
  /// Puts a claimed job that was not tried back in the queue as it was (its attempt taken back).
  core::status release_job(std::int64_t id);
  core::status finish_job(std::int64_t id);
  /// Whether job `id` is still `running` (claimed, its outcome not stored yet); an error when the
  /// database cannot be read.
  core::result<bool> job_running(std::int64_t id);
  /// Makes every retry of `kind` waiting in the queue (failed before, due later) due at `now`,
  /// so that the next claims take them crisis first again (the mail server is back); returns
  /// how many. Not the jobs whose last error starts with `except_error_prefix` (when not
  /// empty: mail the server refused, which keeps its own interval).
  core::result<int> resume_jobs(const std::string& kind, core::instant now,
                                const std::string& except_error_prefix = "");
  core::status retry_job(std::int64_t id, const std::string& error, core::instant retry_at);

  core::result<std::int64_t> open_ticket(const ticket_row& t, core::instant now);
  core::status update_ticket(std::int64_t id, const std::string& status, const std::string& role,
                             const std::string& assignee, core::instant now);
  core::status add_ticket_event(std::int64_t ticket_id, const std::string& event,
                                const std::string& actor, const std::string& detail,
                                core::instant now);
  std::optional<ticket_row> get_ticket(std::int64_t id);

  // --- tickets (migration 3): the core ticket as JSON, and its next SLA deadline ---
  /// Stores the ticket's JSON state (routing::to_json) with its summary columns and the time of
  /// its next SLA step (nullopt: none pending).
  core::status save_ticket_state(std::int64_t id, const std::string& status,
                                 const std::string& role, const std::string& assignee,
                                 const std::string& state_json,
                                 std::optional<core::instant> sla_due, core::instant now);
  /// Moves only the time of the ticket's next SLA step (nullopt: none pending).
  core::status set_ticket_sla_due(std::int64_t id, std::optional<core::instant> sla_due);
  /// The JSON state; nullopt for an unknown ticket, "" for a ticket stored before migration 3.
  std::optional<std::string> ticket_state(std::int64_t id);
  /// Ids of tickets whose SLA step is due at `now`, oldest deadline first.
  std::vector<std::int64_t> tickets_due(core::instant now, int limit);
  /// Tickets opened with nobody to route them to and not routed yet (NEW, no state): a gauge
  /// for /metrics, through the tickets_open index.
  std::int64_t tickets_unrouted();
  /// The student's newest ticket of `category` that is not RESOLVED, if any.
  std::optional<std::int64_t> open_ticket_of(std::int64_t student_id, const std::string& category);
  /// The student's RESOLVED ticket whose follow-up ("did you get help?") was sent last, if any:
  /// the one the student's answer is about. A follow-up skipped (routing::ticket::
  /// followup_skipped) asked nothing and does not count.
  std::optional<std::int64_t> last_followed_up_ticket_of(std::int64_t student_id);
  /// Open tickets per assignee email of one institution (round-robin / fewest-open input).
  std::map<std::string, int> open_ticket_counts(const std::string& institution_id);
  std::map<std::string, std::uint64_t> routing_cursors(const std::string& institution_id);
  core::status save_routing_cursor(const std::string& institution_id, const std::string& key,
                                   std::uint64_t value);
  /// Records a single-use link nonce; false (and nothing changed) when it was used before.
  core::result<bool> use_link_nonce(const std::string& nonce, std::int64_t ticket_id,
                                    core::instant expires, core::instant now);
  bool link_nonce_used(const std::string& nonce);
  /// Forgets nonces whose links expired (they can no longer verify anyway).
  core::status purge_link_nonces(core::instant now);
  /// Check-in outcomes per student: "answered", "unanswered" or "delivery_failed".
  core::status add_checkin_outcome(std::int64_t student_id, const std::string& outcome,
                                   core::instant now);
  /// The last `limit` outcomes, oldest first.
  std::vector<std::string> recent_checkin_outcomes(std::int64_t student_id, int limit);
  /// The student a message belongs to (nullopt: unknown message or unknown sender).
  std::optional<std::int64_t> message_student(std::int64_t message_id);
  /// Gives up on an outbox job for good (status `failed`).
  core::status fail_job(std::int64_t id, const std::string& error);

  core::status audit(const std::string& actor, const std::string& action,
                     const std::string& subject, const std::string& detail, core::instant now);
  /// Whether an audit event `action` about `subject` was stored at or after `since`.
  bool audited_since(const std::string& action, const std::string& subject, core::instant since);

  std::vector<message_count> count_messages();
  std::int64_t outbox_depth();

  // ---- delivery, campaigns, events (schema 4; src/adapters/store/sqlite_store_delivery.cpp) ----

  /// How long an outbound SMS stays valid after it is due (default 24 h); set before use. A
  /// message still queued when this has passed moves to `expired` (expire_messages).
  void set_message_validity(std::chrono::seconds validity) { validity_ = validity; }
  /// Queued outbound SMS whose validity ended move to `expired` (with history); returns how many.
  core::result<std::int64_t> expire_messages(core::instant now);
  /// Outbound SMS queued or being sent (the backpressure measure; excludes mail jobs).
  std::int64_t sms_outbox_depth();
  /// Counts a permanent delivery failure (failed DLR, invalid number) of message `message_id`
  /// against its student. not_found when the message has no student.
  core::status record_delivery_failure(std::int64_t message_id, core::instant now);
  std::int64_t delivery_failures(std::int64_t student_id);
  /// Students of the institution with at least one failed delivery, most failures first.
  std::vector<delivery_failure_row> students_with_delivery_failures(const std::string& institution_id);
  /// When the student's last message arrived (for the reply window of quiet hours).
  std::optional<core::instant> last_inbound_at(std::int64_t student_id);
  /// Segment count and encoding ("gsm7"/"ucs2") stored with an outbound message.
  std::optional<std::pair<int, std::string>> message_cost(std::int64_t id);

  /// What a candidate row holds: what planning and the opening text need, or that and the
  /// profile schedule rules match on (group, campus, programme, start_date, extra).
  enum class candidate_detail { planning, profile };
  /// Candidates for a campaign, ordered by id; `selector` as in select_students ("all", a group,
  /// a campus or a student ref). Opted-out students are included (the planner reports them).
  /// With `planning`, the profile fields are left empty (a third less to read per student).
  std::vector<campaign_candidate_row> campaign_candidates(
      const std::string& institution_id, const std::string& selector,
      candidate_detail detail = candidate_detail::profile);
  /// Sees one candidate row at a time; the row is reused, so copy what you keep.
  using candidate_visitor = std::function<void(const campaign_candidate_row&)>;
  /// campaign_candidates one row at a time, so that a million students are never held at once.
  /// `visit` may use the store, but not start another walk of the candidates.
  void for_each_campaign_candidate(const std::string& institution_id, const std::string& selector,
                                   candidate_detail detail, const candidate_visitor& visit);
  /// Profile rows, in id order, whose date `column` ("start_date" or an imported extra column)
  /// is a YYYY-MM-DD text from `first` to `last` (inclusive): the students a milestone rule can
  /// be due for, found by SQLite without materialising the others.
  void for_each_candidate_dated(const std::string& institution_id, const std::string& column,
                                const std::string& first, const std::string& last,
                                const candidate_visitor& visit);
  /// Profile rows of the institution's students among `ids` (ascending), in id order, each found
  /// by its primary key: the few students a data trigger has new events for, without walking the
  /// others. Ids of other institutions or of no student are passed over.
  void for_each_candidate_in(const std::string& institution_id, std::span<const std::int64_t> ids,
                             const candidate_visitor& visit);
  /// already_exists when the same (institution, rule, run_key) was planned before.
  core::result<std::int64_t> create_campaign(const campaign_row& c, core::instant now);
  std::optional<campaign_row> find_campaign(std::int64_t id);
  /// Inserts every planned send with one prepared statement (call inside the transaction).
  core::status add_planned_sends(std::int64_t campaign_id, std::span<const planned_send_row> sends,
                                 core::instant now);
  /// Planned sends due at `now`, oldest first.
  std::vector<due_planned_send> due_planned_sends(core::instant now, int limit);
  /// `status`: "started" or "skipped" (final).
  core::status finish_planned_send(std::int64_t id, const std::string& status, core::instant now);
  core::status postpone_planned_send(std::int64_t id, core::instant due, core::instant now);
  std::int64_t planned_sends_waiting();
  core::status set_last_checkin(std::int64_t student_id, core::instant at);

  std::optional<std::int64_t> student_id_by_ref(const std::string& institution_id,
                                                const std::string& ref);
  /// Stores each event once per (student, event, day): an event stored already gets the new
  /// value (the last of several in `events` wins), moved to a new row id when the value changes
  /// so that students_with_new_events sees it; the same value again changes nothing.
  core::result<events_stored> add_events(const std::string& institution_id,
                                         std::span<const event_row> events, core::instant now);
  /// Students with events of `event` stored after event row id `after_id`, and the highest id seen.
  std::pair<std::vector<std::int64_t>, std::int64_t> students_with_new_events(
      const std::string& institution_id, const std::string& event, std::int64_t after_id);
  /// The student's events of `event` dated after `after_day` ("" = all), ascending by day.
  std::vector<event_row> student_events(std::int64_t student_id, const std::string& event,
                                        const std::string& after_day);
  /// Records that `rule_id` ran for a student (student_id 0 = the whole institution) under
  /// `run_key`; false when it had already been recorded.
  core::result<bool> add_rule_run(const std::string& institution_id, const std::string& rule_id,
                                  std::int64_t student_id, const std::string& run_key,
                                  core::instant now);
  /// The greatest run_key recorded for (rule, student), if any.
  /// Whether add_rule_run recorded exactly this run.
  bool has_rule_run(const std::string& institution_id, const std::string& rule_id,
                    std::int64_t student_id, const std::string& run_key);
  std::optional<std::string> last_rule_run(const std::string& institution_id,
                                           const std::string& rule_id, std::int64_t student_id);
  std::optional<std::int64_t> scheduler_mark(const std::string& name);
  core::status set_scheduler_mark(const std::string& name, std::int64_t value);

 private:
  explicit sqlite_store(std::unique_ptr<sqlite_connection> db) : db_(std::move(db)) {}
  core::student read_student(sqlite_statement& q);
  /// An outbound SMS row with its `queued` history row: to a student, or (no student) to `phone`.
  core::result<std::int64_t> enqueue_outbound(std::optional<std::int64_t> student_id,
                                              const std::string& phone, const std::string& gateway,
                                              const std::string& body, int priority,
                                              const std::string& purpose, core::instant due,
                                              core::instant now);
  core::status add_status_history(std::int64_t id, const std::string& status, const std::string& detail,
                                  core::instant now);
  core::status ensure_student_stage();
  std::unique_ptr<sqlite_connection> db_;
  bool stage_created_ = false;  // the student stage exists on db_ (committed)
  std::chrono::seconds validity_{24 * 3600};
  std::unique_ptr<wal_tail_checkpoint> tail_;  // after db_: removed before the connection closes
};

}  // namespace tuki::adapters
