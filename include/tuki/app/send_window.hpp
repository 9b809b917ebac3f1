#pragma once
// Quiet hours for messages that are not planned sends: a dialog's reminder or timeout message
// fired by a timer. Planned sends are held back by scheduler::start_due; this is the same rule
// for the timer pump (a reminder due at 03:00 waits until the morning).
#include <functional>
#include <optional>

#include "tuki/adapters/store/sqlite_store.hpp"
#include "tuki/core/instant.hpp"
#include "tuki/core/student.hpp"

namespace tuki::app {

class scheduler;

/// When a message to `student` may go out if it is due at `now`: nullopt when now is allowed,
/// else the next allowed moment in the student's zone (the institution's when the student has
/// none or an unknown one). A student who wrote within the reply window is not held back: the
/// message then answers them. The service gives every institution a schedule (the defaults,
/// 08:00–20:00 every day in its zone, when it has no schedule file); an institution the
/// scheduler does not know is not held back.
using send_gate = std::function<std::optional<core::instant>(
    const core::student& student, std::optional<core::instant> last_inbound, core::instant now)>;

/// The gate of `sched`'s quiet hours and holidays. `sched` must outlive the gate.
send_gate quiet_hours_gate(const scheduler& sched);

/// The outbox's claim at `now` (sqlite_store::claim_sms_batch): a message that is not a crisis
/// text, queued at an allowed moment, waits for the next allowed moment once quiet hours or a
/// holiday have begun: an opening held up by a gateway outage does not go at night when the
/// gateway comes back. A reply counts its own queueing as the student's message (the reply
/// window runs from then). A message queued in quiet hours was meant to go then (`tuki checkin
/// send` at night, an answer in the reply window) and goes. The answer for the institution's and
/// each student zone is worked out once per claim. `sched` must outlive the hold.
adapters::sqlite_store::claim_hold quiet_hours_hold(const scheduler& sched, core::instant now);

}  // namespace tuki::app
