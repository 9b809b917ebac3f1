#pragma once
// Effects: what the pure core asks the outside world to do. A core step returns them; the app
// layer stores them in the outbox in the same transaction as the new state, then adapters carry
// them out. Every effect concerns the student whose input was stepped, unless it names otherwise.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "tuki/core/instant.hpp"
#include "tuki/core/urgency.hpp"

namespace tuki::core {

/// Outbound SMS order: lower values are sent first.
enum class sms_priority { crisis = 0, reply = 1, bulk = 2 };

/// Text the student receives. `purpose` says why, for logs and metrics ("question", "reminder",
/// "confirmation", "crisis_helpline", "keyword"); the text itself is never logged.
struct send_sms {
  std::string text;
  sms_priority priority = sms_priority::reply;
  std::string purpose;
  bool operator==(const send_sms&) const = default;
};

/// A support need that a staff member must see. Routing (core/routing) picks who.
struct open_ticket {
  std::string category;
  core::urgency urgency = core::urgency::normal;
  std::string dialog_id;
  std::string node_id;
  /// A short excerpt of what the student wrote; staff see it only where the institution opts in.
  std::string excerpt;
  bool operator==(const open_ticket&) const = default;
};

/// Wake this student's session at `at`. `token` lets a late timer be recognised as stale: the
/// session ignores a timer whose token is not its current one.
struct schedule_timer {
  std::string kind;  // "wait_timeout", "expiry", ...
  instant at;
  std::int64_t token = 0;
  bool operator==(const schedule_timer&) const = default;
};

/// Opt-out, opt-in and pause of scheduled check-ins (global keywords STOP, START, PAUSE).
struct set_contact_state {
  bool opted_out = false;
  std::optional<instant> paused_until;
  bool operator==(const set_contact_state&) const = default;
};

/// A named result of the conversation ("q1" = "4", "need" = "wellbeing"), kept with the session.
struct record_result {
  std::string key;
  std::string value;
  bool operator==(const record_result&) const = default;
};

/// The session ended (finished, expired or replaced); `outcome` is its last category.
struct end_session {
  std::string outcome;
  bool operator==(const end_session&) const = default;
};

using effect = std::variant<send_sms, open_ticket, schedule_timer, set_contact_state,
                            record_result, end_session>;

/// Lossless JSON form used by the outbox and golden tests: {"type": "send_sms", ...}.
nlohmann::json to_json(const effect& e);
/// Parses what to_json wrote; nullopt for an unknown type or a missing field.
std::optional<effect> effect_from_json(const nlohmann::json& j);
/// The "type" tag of an effect ("send_sms", "open_ticket", ...).
std::string_view effect_type(const effect& e);

std::string_view to_string(sms_priority p);

}  // namespace tuki::core
