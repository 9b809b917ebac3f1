#pragma once
// The app layer's heart: turns inputs (a reply, a timer, a check-in order, a delivery report)
// into a step of the pure dialog core, then stores the new state and the effects in the same
// transaction: outbound SMS into the messages outbox, tickets with their staff notification
// jobs, timers, contact state. Every method runs inside a write_queue job (store thread).
//
// Thread-safety: the dialog library is swapped atomically on reload (set_library) from any
// thread; everything else is immutable after construction.
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "tuki/adapters/gateway/sms_gateway.hpp"
#include "tuki/adapters/store/sqlite_store.hpp"
#include "tuki/app/role_names.hpp"
#include "tuki/app/send_window.hpp"
#include "tuki/app/ticket_desk.hpp"
#include "tuki/core/config/config.hpp"
#include "tuki/core/dialog/engine.hpp"

namespace tuki::app {

struct inbound_outcome {
  std::int64_t message_id = 0;
  bool duplicate = false;      // the gateway retried a message we already have
  bool known_sender = false;
  int replies = 0;             // SMS queued in answer
  int tickets = 0;
  bool crisis = false;
  /// Set by keep_unanswered: the message is stored but its answer failed for a reason a retry
  /// would not change, and this says why. The gateway is still told the message arrived.
  std::string unanswered;
};

/// After dialog::unprompted_dialog started for a student, for this long only a message that names a
/// problem (opens a ticket) starts it again.
inline constexpr std::chrono::hours unprompted_quiet_for{24};

class conversation {
 public:
  conversation(const config::config& cfg, std::shared_ptr<const dialog::dialog_library> library,
               role_names roles);

  void set_library(std::shared_ptr<const dialog::dialog_library> library);
  std::shared_ptr<const dialog::dialog_library> library() const;
  /// Routing and tickets (loaded at construction; check desk().load_status()).
  ticket_desk& desk() { return *desk_; }

  /// A student's SMS as a gateway delivered it: stored, then answered (the sender's dialog
  /// step and its effects). `duplicate` when already stored. An error fails the whole job.
  core::result<inbound_outcome> handle_inbound(adapters::sqlite_store& store,
                                               const std::string& gateway,
                                               const adapters::inbound_sms& sms, core::instant now);
  /// The same SMS once handle_inbound failed, in a job of its own after that job was rolled
  /// back, when the failure is one a retry would not change (anything but a storage error,
  /// `io_error`: a defect, a configuration the step cannot carry out). Stores the message
  /// alone, audits it and says `why` in `unanswered`: answered 503, the gateway would send the
  /// same message again, and fail again, for as long as it retries.
  core::result<inbound_outcome> keep_unanswered(adapters::sqlite_store& store,
                                                const std::string& gateway,
                                                const adapters::inbound_sms& sms,
                                                const core::status& why, core::instant now);
  /// Starts `dialog_id` for a student now. Skips (not an error) a student who opted out, is
  /// paused or has a session in progress; returns whether it started.
  core::result<bool> start_checkin(adapters::sqlite_store& store, std::int64_t student_id,
                                   const std::string& dialog_id, core::instant now);
  /// Steps the student's dialog for a due timer. When the step would text the student (a
  /// reminder) and `gate` holds the student back (quiet hours), nothing is applied and the same
  /// timer is stored again for the moment the gate names: the reminder goes out then.
  core::status fire_timer(adapters::sqlite_store& store, const adapters::due_timer& timer,
                          core::instant now, const send_gate& gate = {});
  /// Applies a delivery report that arrived at `gateway`'s callback. It changes only an
  /// outbound message that gateway was asked to send (`sending` or `sent`, or `accepted` or
  /// `buffered` on the way to a final state); a report for any other message is not_found, and one for a `queued`
  /// message (never sent, or waiting to be sent again) or a final one (`delivered`, `failed`,
  /// `expired`) changes nothing. So neither a stray nor a forged report can cancel a queued reply
  /// or turn a delivered message into a failed one. A report that says the recipient opted out
  /// (delivery_report::opted_out) also opts the student out, as a STOP would
  /// (gateway_opt_out.hpp), and is not counted as a delivery failure.
  core::status apply_delivery_report(adapters::sqlite_store& store, const std::string& gateway,
                                     const adapters::delivery_report& report, core::instant now);
  /// SMS segments of the opening message(s) `dialog_id` would send to a student with this name
  /// and language (empty: the institution's default): a campaign's cost estimate. Pure; any
  /// thread. 0 for an unknown dialog.
  std::size_t opening_segments(const std::string& dialog_id, const std::string& institution_id,
                               const std::string& first_name, const std::string& language,
                               core::instant now) const;

 private:
  struct step_counts {
    int replies = 0, tickets = 0;
  };
  struct unregistered_answer {
    bool crisis = false;
    int replies = 0;
  };
  /// The student whose number `from` is, as the gateway sent it (E.164 or national).
  std::optional<core::student> find_sender(adapters::sqlite_store& store,
                                           const std::string& gateway,
                                           const std::string& from) const;
  /// Stores the inbound message: sets message_id and known_sender, or duplicate.
  core::status store_message(adapters::sqlite_store& store, const std::string& gateway,
                             const adapters::inbound_sms& sms,
                             const std::optional<core::student>& student, inbound_outcome& out,
                             core::instant now);
  /// Everything handle_inbound does after storing the message: the sender's dialog step and
  /// its effects, or the answer to a number without a student. Fills replies, tickets, crisis.
  core::status answer_inbound(adapters::sqlite_store& store, const std::string& gateway,
                              const adapters::inbound_sms& sms,
                              const std::optional<core::student>& student, inbound_outcome& out,
                              core::instant now);
  /// A message no session waited for: starts dialog::unprompted_dialog with it as the first reply,
  /// unless the student opted out or paused.
  core::result<step_counts> answer_unprompted(adapters::sqlite_store& store,
                                              const core::student& student, const std::string& text,
                                              core::instant now);
  core::result<unregistered_answer> answer_unregistered(adapters::sqlite_store& store,
                                                        const std::string& gateway,
                                                        const adapters::inbound_sms& sms,
                                                        std::int64_t message_id, core::instant now);
  core::result<step_counts> apply(adapters::sqlite_store& store, const core::student& student,
                                  const std::string& dialog_id, const dialog::step_output& out,
                                  core::instant now);
  core::result<std::int64_t> open_ticket(adapters::sqlite_store& store, const core::student& student,
                                         const core::open_ticket& t, std::string& role_out,
                                         core::instant now);
  dialog::student_context context_of(const core::student& s, core::instant now) const;
  const config::institution_settings& institution_of(const core::student& s) const;
  const dialog::conversation_settings& settings_of(const core::student& s) const;

  const config::config& cfg_;
  role_names roles_;
  std::map<std::string, dialog::conversation_settings> settings_;
  mutable std::mutex library_mutex_;
  std::shared_ptr<const dialog::dialog_library> library_;
  std::unique_ptr<ticket_desk> desk_;
};

}  // namespace tuki::app
