#pragma once
// How the SLA starts the "did you get help?" follow-up of a resolved ticket
// (ticket_desk::start_dialog_fn). Its first SMS is an opening message like a planned check-in's,
// so it never goes out in quiet hours or on a holiday in the student's zone (docs/scheduling.md);
// and a student who cannot be asked now is asked later, never skipped: one in another dialog
// (a check-in can last 72 h) is tried again `busy_retry` later, one who paused at the end of the
// pause. Only a student who opted out is never asked.
//
// Runs on the store thread, inside the SLA pump's write job, like conversation::start_checkin.
#include <chrono>

#include "tuki/app/conversation.hpp"
#include "tuki/app/send_window.hpp"
#include "tuki/app/ticket_desk.hpp"

namespace tuki::app {

/// `quiet`: the quiet hours and holidays (quiet_hours_gate of the scheduler); asked with no
/// last reply, since the follow-up answers nothing the student wrote. `conv` and the gate's
/// scheduler must outlive the function.
ticket_desk::start_dialog_fn followup_starter(conversation& conv, send_gate quiet,
                                              core::duration busy_retry = std::chrono::hours(4));

}  // namespace tuki::app
