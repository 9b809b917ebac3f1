#pragma once
// Scores and flags: `score` actions add to named scores in the session; the dialog's thresholds
// (`scoring:`) turn a score that reaches `at_least` into a flag. Flags are sticky for the rest of
// the session. A threshold with `urgency` raises every ticket opened after its flag is set to at
// least that urgency.
#include "tuki/core/dialog/model.hpp"
#include "tuki/core/dialog/session.hpp"
#include "tuki/core/urgency.hpp"

namespace tuki::dialog {

/// Adds `amount` to score `name` and sets the flags of the thresholds now reached.
void add_score(const dialog& d, session& s, const std::string& name, int amount);
/// `base` raised by the urgencies of the flags the session holds.
core::urgency ticket_urgency(const dialog& d, const session& s, core::urgency base);

}  // namespace tuki::dialog
