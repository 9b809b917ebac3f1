#include "tuki/app/followup_start.hpp"

#include <algorithm>

namespace tuki::app {

ticket_desk::start_dialog_fn followup_starter(conversation& conv, send_gate quiet,
                                              core::duration busy_retry) {
  return [&conv, quiet = std::move(quiet), busy_retry](
             adapters::sqlite_store& store, std::int64_t student_id, const std::string& dialog_id,
             core::instant now) -> core::result<ticket_desk::dialog_start> {
    if (!conv.library()->find(dialog_id))
      return core::status::not_found("no dialog named " + dialog_id);
    auto student = store.get_student(student_id);
    if (!student) return core::status::not_found("student " + std::to_string(student_id));
    if (student->opted_out) return ticket_desk::dialog_start{false, {}, "the student opted out"};
    core::instant at = now;
    if (student->paused_at(now)) at = *student->paused_until;
    if (store.load_session(student_id)) at = std::max(at, now + busy_retry);
    if (quiet)
      if (auto allowed = quiet(*student, std::nullopt, at)) at = *allowed;
    if (at > now) return ticket_desk::dialog_start{false, at, ""};
    auto started = conv.start_checkin(store, student_id, dialog_id, now);
    if (!started) return started.error();
    // Opted out, paused and busy were answered above, on this same store thread: what is left
    // is an institution no longer in the configuration.
    if (!*started)
      return ticket_desk::dialog_start{false, {}, "the student's institution is not configured"};
    return ticket_desk::dialog_start{true, std::nullopt, ""};
  };
}

}  // namespace tuki::app
