#pragma once
// The app side of routing and tickets: opens tickets with routing::route() over the stored staff
// (merged with the routing file's staff attributes), keeps the core ticket (JSON) and its history
// in the store, queues staff emails (routing::render_staff_email with signed action links) and
// webhooks in the outbox, applies staff actions from signed links, and runs the SLA steps
// (reminder, escalation, follow-up) and disengagement tickets.
//
// Every method taking a store runs on the store thread inside a write_queue job; `now` is always
// a parameter (tests pass a fake clock). Thread-safety: immutable after construction except the
// nonce source, which is only used on the store thread.
#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "tuki/adapters/store/sqlite_store.hpp"
#include "tuki/app/metrics.hpp"
#include "tuki/app/role_names.hpp"
#include "tuki/app/send_window.hpp"
#include "tuki/core/config/config.hpp"
#include "tuki/core/dialog/library.hpp"
#include "tuki/core/routing/action_page_wording.hpp"
#include "tuki/core/routing/disengagement.hpp"
#include "tuki/core/routing/routing_config.hpp"
#include "tuki/core/routing/staff_notice.hpp"
#include "tuki/core/routing/ticket.hpp"
#include "tuki/core/student.hpp"

namespace tuki::app {

/// How long after a failed SLA step the ticket is tried again (run_sla).
inline constexpr std::chrono::minutes sla_retry_after{5};

struct opened_ticket {
  std::int64_t id = 0;
  std::string role;  // the routed role, for {staff_role}; the fallback role when unrouted
  bool routed = false;
};

/// A role an institution's routing can put on a ticket that has no name of its own in one of the
/// institution's languages: the "seen" SMS and {staff_role} name it as `shown` (role_names).
struct unnamed_role {
  std::string institution_id, role, language;
  std::string routing_source;  // the routing file ("<built-in default>" for the defaults)
  std::string lexicon_file;    // the lexicon of `language`; empty when there is none
  std::string shown;
  /// "<routing_source>: warning: role 'x' of institution varia has no name in
  /// dialogs/lang/fi.yaml (roles:); students read 'koulun työntekijä'".
  std::string warning() const;
};

/// What a staff action did, for the answer page / API. `said`, `facts` and `button_kind` name
/// what happened (ticket_desk::message words it in any staff language, roles by their names in
/// it); `message` and `button` are its English wording, for logs and tests. The page language
/// comes from `link_language` and `institution_language` (routing::action_page_language).
struct ticket_action_outcome {
  /// 200 done, 400 tampered or malformed link, 403 not this person's ticket, 404 unknown ticket,
  /// 409 not allowed in the ticket's status (or nobody else can take it, or a reassignment of a
  /// shared or crisis ticket), 410 expired or already used, 422 reassignment to a role that is
  /// not configured.
  int http_status = 200;
  std::string message;  // one sentence for the page, in English (ticket_desk::message of said)
  std::string ticket_id;
  std::string action;
  std::string ticket_status;
  bool sms_queued = false;  // acknowledge: the "seen" SMS went to the outbox
  std::string button;       // confirm(): the label of the confirmation page's button, in English
  std::optional<routing::action_message> said;       // empty when there is no message
  routing::action_page_facts facts;                  // fills said's placeholders
  std::optional<routing::action_button> button_kind;  // confirm(): the button
  /// The link's lang parameter: verified, or unverified when the link was refused (expired,
  /// tampered: it only picks the wording of the refusal). Empty for links without one.
  std::string link_language;
  /// The default language of the ticket's institution; empty when the ticket is not known.
  std::string institution_language;
};

class ticket_desk {
 public:
  /// Loads every institution's routing (routing_file, else <routing_dir>/<id>.yaml, else the
  /// built-in defaults). A broken file leaves load_status() failed naming file:line:column.
  ticket_desk(const config::config& cfg, role_names roles);
  const core::status& load_status() const { return load_status_; }
  /// The institutions whose crisis from an unknown number would reach no person: no crisis
  /// contact (in the configuration or the routing file) and no coordinator.
  std::vector<std::string> institutions_without_crisis_contact() const;

  /// Routes and stores a new ticket, queues the staff notices (mail, webhook) and moves it to
  /// OPENED. With nobody to route to, the ticket stays NEW with an UNROUTED event, is logged
  /// (`ticket_unrouted`) and counted (`tickets_unrouted`), and run_sla routes it again every
  /// sla_retry_after until someone can take it.
  core::result<opened_ticket> open(adapters::sqlite_store& store, const core::student& student,
                                   const std::string& category, core::urgency urgency,
                                   const std::string& excerpt, const std::string& dialog_id,
                                   const std::string& node_id, core::instant now);

  /// Applies a signed action link. `target` is the request target (path and query) in the form
  /// /t/{id}/{action}?by=..&exp=..&n=..[&role=..]&sig=.. The acknowledge of a not yet
  /// acknowledged ticket queues the "seen" SMS (replies.ticket_seen of `library`).
  /// Errors of the link or the ticket are outcomes (http_status), not statuses; a status is
  /// returned only when the store fails.
  core::result<ticket_action_outcome> act(adapters::sqlite_store& store,
                                          const dialog::dialog_library& library,
                                          std::string_view target, core::instant now);
  /// Checks a link without acting or reading the store.
  ticket_action_outcome check(std::string_view target, core::instant now) const;
  /// The confirmation page of any action (the page a GET of the link answers: mail scanners
  /// fetch links), before anything is done: the link is checked as by act() (also 404; for the
  /// single-use actions 410 used; not_mine also 409 resolved and 403 not an assignee; reassign
  /// also 409 on a shared or crisis ticket), `button` labels the form, and for not_mine
  /// `message` says what will happen: the others keep a shared ticket; a ticket the actor holds
  /// alone is routed again (a crisis ticket only to the crisis rota or contact). Reads the store
  /// only; a status only when the store fails.
  core::result<ticket_action_outcome> confirm(adapters::sqlite_store& store,
                                              std::string_view target, core::instant now) const;

  /// What `o` says in `language` (routing::word_action_message; its roles named by
  /// role_names::staff_name in the language of the wording); `o.message` when it says nothing
  /// that can be worded. Reads only immutable state: safe on any thread.
  std::string message(const ticket_action_outcome& o, std::string_view language) const;

  /// What became of a dialog the SLA asked to start (the follow-up).
  struct dialog_start {
    bool started = false;
    /// Not started now, to be tried again at this time (quiet hours or a holiday in the
    /// student's zone, the student in another dialog or paused). Unset with `started` false:
    /// never, for the reason `skipped` names.
    std::optional<core::instant> retry_at;
    /// Why it never will start ("the student opted out", ...), with `started` false and no
    /// `retry_at`.
    std::string skipped;
  };
  /// Starts a dialog for a student (followup_start.hpp: conversation::start_checkin at an
  /// allowed time).
  using start_dialog_fn =
      std::function<core::result<dialog_start>(adapters::sqlite_store&, std::int64_t student_id,
                                               const std::string& dialog_id, core::instant now)>;
  /// Takes every SLA step due at `now` (up to `limit` tickets): reminders and escalations as
  /// emails, follow-ups by starting the `followup` dialog, routing again a ticket that
  /// nobody could take when it was opened, and handing over an open ticket from assignees who
  /// left (deactivated staff; sqlite_store::deactivate_staff makes their tickets due): the
  /// others keep a shared ticket, one they held alone is routed again (a "departed" history
  /// event, `ticket_handed_over` logged). Nobody who left is reminded or escalated to. A follow-up
  /// that cannot start now (`retry_at`) is not recorded: the ticket's SLA step is stored again for
  /// that time. Each ticket's step runs in a savepoint of its own: a ticket whose step fails is
  /// undone alone, logged (`sla_ticket_failed`), noted (an SLA_ERROR event) and due again
  /// `sla_retry_after` later, and the other tickets go on. Returns how many steps were taken; a
  /// status only when the store cannot record that.
  core::result<int> run_sla(adapters::sqlite_store& store, const start_dialog_fn& start_dialog,
                            core::instant now, int limit = 200);

  /// The student wrote about open ticket `ticket_id`'s matter again (a message no dialog waited
  /// for): a STUDENT_MESSAGE event, and an email (or webhook) to its assignees, with the
  /// message's `excerpt` where the institution shows replies.
  core::status student_wrote(adapters::sqlite_store& store, std::int64_t ticket_id,
                             const std::string& excerpt, core::instant now);

  /// Records a check-in outcome and opens a `no_reply` / `delivery_failed` ticket when the
  /// disengagement thresholds are reached. Returns the opened ticket, if any.
  core::result<std::optional<opened_ticket>> record_checkin(adapters::sqlite_store& store,
                                                            const core::student& student,
                                                            routing::checkin_outcome outcome,
                                                            core::instant now);

  /// An answer of the `followup` dialog: recorded as the outcome of the student's most recently
  /// followed-up ticket (a history note "outcome key=value" and a ticket_events row). Returns
  /// the ticket id, or 0 when the student has no followed-up ticket.
  core::result<std::int64_t> record_followup_answer(adapters::sqlite_store& store,
                                                    std::int64_t student_id, const std::string& key,
                                                    const std::string& value, core::instant now);

  /// A crisis message from a number that belongs to no student (unregistered_crisis.cpp): an
  /// urgent email with the number to the institution's crisis contact and to its coordinator
  /// (one each; one in all when they are the same address). There is no ticket (tickets belong
  /// to students), so no reminder or escalation follows: two people are told at once instead.
  /// Returns how many emails were queued; 0 (logged as an error) with neither address.
  core::result<int> alert_unregistered_crisis(adapters::sqlite_store& store,
                                              const std::string& institution_id,
                                              const std::string& phone, const std::string& excerpt,
                                              std::int64_t message_id, core::instant now);

  /// Every role of every institution's routing (rules, fallback role, the routing file's staff,
  /// crisis_contact, coordinator) that the role names do not name in one of the institution's
  /// languages, by institution, role and language. Staff roles from the staff CSV are built-in
  /// roles, which the shipped lexicons name.
  std::vector<unnamed_role> unnamed_roles() const;

  /// The effective SLA settings of an institution (routing file + config overrides).
  routing::sla_settings sla_of(const std::string& institution_id) const;
  /// Where counters go (`tickets_unrouted`); none until set. `m` must outlive this desk's use;
  /// metrics is thread-safe, so the store thread may count.
  void set_metrics(metrics* m) { metrics_ = m; }
  /// Replaces the random link nonce source (tests).
  void set_nonce_source(std::function<std::string()> source) { nonce_ = std::move(source); }
  /// The quiet hours (quiet_hours_gate) for the "seen" SMS an acknowledgement sends: one at
  /// 23:30 waits for the morning, except a crisis ticket's. None until set: sent at once.
  void set_send_gate(send_gate gate) { send_gate_ = std::move(gate); }

 private:
  struct institution {
    const config::institution_settings* settings = nullptr;
    routing::routing_config routing;
  };
  /// The configured institution `id`. One not in the configuration (removed from
  /// `institutions:` while its tickets remain) gets an institution without staff, coordinator or
  /// webhook, so that its tickets reach nobody rather than another school's staff; the error
  /// `institution_not_configured` says so once per id.
  const institution& institution_of(const std::string& id) const;
  /// The language of a staff member's messages: the last non-empty of `known` (what the ticket,
  /// then the staff directory, says of them), else the institution's default_language.
  static std::string staff_language(const institution& inst,
                                    std::initializer_list<std::string_view> known);
  /// The student's resolved ticket the follow-up dialog was sent for last (the latest
  /// `followup_at`, whatever its id), with its id.
  std::optional<std::pair<std::int64_t, routing::ticket>> followed_up(
      adapters::sqlite_store& store, std::int64_t student_id) const;
  /// Names role ids on staff pages (role_names::staff_name); valid as long as this desk.
  routing::role_naming name_roles() const;
  /// The institution's default_language (the fallback of action-link pages); empty if unknown.
  std::string institution_language(const std::string& id) const;
  struct stored_ticket {
    std::int64_t id = 0;
    adapters::ticket_row row;
    routing::ticket state;
  };
  /// The ticket a link names ("17"): its row and state; nullopt when there is no such ticket.
  /// A status when its stored state cannot be read.
  core::result<std::optional<stored_ticket>> load_ticket(adapters::sqlite_store& store,
                                                         const std::string& ticket_id) const;
  routing::staff_directory directory(adapters::sqlite_store& store, const institution& inst) const;
  routing::routing_state state(adapters::sqlite_store& store, const institution& inst) const;
  core::status remember(adapters::sqlite_store& store, const institution& inst,
                        const routing::routing_decision& decision) const;
  /// The due SLA step of one ticket, if any (run_sla): how many steps it took (0 or 1).
  core::result<int> sla_step(adapters::sqlite_store& store, std::int64_t id,
                             const start_dialog_fn& start_dialog, core::instant now);
  /// Routes `request`: to someone who holds its `role` when one is set, else (the role reset)
  /// as the rules say.
  core::result<routing::routing_decision> decide(adapters::sqlite_store& store,
                                                 const institution& inst,
                                                 routing::ticket_request& request,
                                                 core::instant now) const;
  /// Notes on the followed-up ticket `original` that follow-up ticket `id` was opened for it.
  core::status note_follow_up(adapters::sqlite_store& store,
                              std::pair<std::int64_t, routing::ticket>& original, std::int64_t id,
                              core::instant now) const;
  /// Makes the ticket of `decision`, queues its assignees' notices and stores it OPENED.
  core::status deliver(adapters::sqlite_store& store, const institution& inst, std::int64_t id,
                       const routing::ticket_request& request,
                       const routing::routing_decision& decision, const std::string& excerpt,
                       core::instant now);
  /// A ticket opened with nobody to route to (NEW, no state), routed again: 1 when someone took
  /// it; else 0, and it is due again sla_retry_after later.
  core::result<int> route_unrouted(adapters::sqlite_store& store, const adapters::ticket_row& row,
                                   core::instant now);
  /// Staff who left (`gone`, deactivated) leave ticket `t` (routing::route_departure and
  /// hand_over): the others keep a shared ticket; one held by them alone is routed again and its
  /// new people notified. False, with a note and `ticket_handover_failed` logged, when nobody
  /// can take it: `t` keeps them. The caller persists `t`.
  core::result<bool> hand_over(adapters::sqlite_store& store, const institution& inst,
                               const adapters::ticket_row& row, routing::ticket& t,
                               const std::vector<std::string>& gone,
                               const routing::staff_directory& dir, core::instant now);
  /// Stores the ticket and appends its history events from `first_new_event` to ticket_events.
  core::status persist(adapters::sqlite_store& store, std::int64_t id, const routing::ticket& t,
                       std::size_t first_new_event, core::instant now) const;
  /// Queues one email per recipient (in their language, links signed for them) and, when
  /// configured, one webhook. `with_actions` = the recipients are assignees.
  core::status notify(adapters::sqlite_store& store, const institution& inst,
                      const routing::ticket& t, routing::notice_kind kind,
                      const std::vector<std::string>& recipients, const std::string& excerpt,
                      bool with_actions, core::instant now);

  const config::config& cfg_;
  role_names roles_;
  std::map<std::string, institution, std::less<>> institutions_;
  mutable std::mutex unconfigured_mutex_;
  mutable std::set<std::string, std::less<>> unconfigured_logged_;  // unknown ids, logged once
  core::status load_status_;
  std::function<std::string()> nonce_;
  metrics* metrics_ = nullptr;
  send_gate send_gate_;
};

}  // namespace tuki::app
