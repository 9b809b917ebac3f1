#pragma once
// The dialog engine: pure step functions from (library, session, input, now) to (new session,
// effects). Same inputs -> same outputs; no clock reads, no I/O. Thread-safe (all inputs const).
//
// Decisions (docs/dialogs.md has the full contract):
// - Order on a reply: global keywords (whole message, any language), then crisis detection
//   (every reply, with or without a session), then the dialog.
// - STOP ends the session (outcome "opted_out"); PAUSE ends it too ("paused"); START and HELP
//   leave it as it was, still waiting.
// - A crisis ends the session (outcome "crisis"): staff take over, and the bot must not go on
//   asking "how are your studies going?" after such a message.
// - A session whose expiry has passed ends with outcome "no_reply" on its next input.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tuki/core/dialog/library.hpp"
#include "tuki/core/dialog/session.hpp"
#include "tuki/core/effect.hpp"
#include "tuki/core/instant.hpp"

namespace tuki::dialog {

/// Who we talk to.
struct student_context {
  std::string student_id, first_name, language;  // language: preferred; falls back to base
  std::map<std::string, std::string> vars;       // extra template vars
  /// The student gets messages now (neither opted out nor paused): START then confirms that
  /// (replies.start_already) instead of welcoming them back.
  bool receiving = false;
};

/// Per institution, from config.
struct conversation_settings {
  std::map<std::string, std::string> helpline;  // language -> contact text ({helpline})
  core::duration pause_length = std::chrono::days(14);
  /// The institution's IANA zone: the day a pause ends is the local day ({paused_until}); empty
  /// or unknown: UTC.
  std::string time_zone;
};

struct step_output {
  std::optional<session> state;       // nullopt: no active session afterwards
  std::vector<core::effect> effects;
  std::optional<std::string> category;  // what the input matched, if anything
  std::optional<std::string> keyword;   // "stop"|"start"|"help"|"pause" if one was handled
  bool crisis = false;
  /// When this step ended the session: the session as it ended (scores, flags, results), for
  /// reports and the simulator. nullopt otherwise.
  std::optional<session> ended_state;
};

/// Timer kinds the engine schedules.
inline constexpr std::string_view timer_wait_timeout = "wait_timeout";
inline constexpr std::string_view timer_expiry = "expiry";

/// Starts `dialog_id` (its current version): sends the opening message with bulk priority and
/// schedules the timers. An unknown dialog id yields no state and no effects.
step_output start(const dialog_library&, std::string_view dialog_id, const student_context&,
                  const conversation_settings&, core::instant now);

/// The dialog a registered student's message starts when no session waits for it (they texted
/// first, or answered after the check-in expired): dialogs/student_message.yaml. Without a
/// dialog of this id such a message gets no answer.
inline constexpr std::string_view unprompted_dialog = "student_message";

/// Whether on_reply's step took the message (a keyword, a crisis, a session's answer): false
/// when no session waited for it. `had_session`: a session was given (it may have expired, and
/// the step then only ended it unanswered).
bool message_taken(const step_output& step, bool had_session);

/// Starts `dialog_id` and gives it `text` as its first reply, in one step: for a message no
/// session waits for (dialogs/student_message.yaml, whose first node sends nothing). Yields no
/// state and no effects for an unknown dialog id.
step_output start_with_reply(const dialog_library&, std::string_view dialog_id,
                             const student_context&, const conversation_settings&,
                             std::string_view text, core::instant now);

/// A student's message: global keywords first (whole-message only, every language), crisis
/// detection on every reply (at any node and with no session), then the dialog.
step_output on_reply(const dialog_library&, const std::optional<session>&, const student_context&,
                     const conversation_settings&, std::string_view text, core::instant now);

/// The language of the crisis phrase in `text`, if it holds one (crisis_detector::find): what a
/// sender tuki has no language for (an unregistered number) is answered in.
std::optional<std::string> crisis_language(const dialog_library&, std::string_view text);

/// Whether a timer that fell due can change `s`: a wait timeout whose token is the session's
/// (a later step or reminder makes it stale), or an expiry timer once the session's expiry has
/// come (whatever its token: the expiry never moves, and an early one changes nothing).
bool timer_is_live(const session& s, std::string_view kind, std::int64_t token, core::instant now);

/// A timer fired (kind and token from the schedule_timer effect). A timer that is not live
/// (timer_is_live) is ignored: the session comes back unchanged, with no effects.
step_output on_timer(const dialog_library&, const session&, const student_context&,
                     const conversation_settings&, std::string_view kind, std::int64_t token,
                     core::instant now);

}  // namespace tuki::dialog
