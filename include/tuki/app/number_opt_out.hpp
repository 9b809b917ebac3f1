#pragma once
// An operator's opt-out or opt-in of a phone number (`tuki students opt-out|opt-in PHONE`): a
// parent or student phones the school and asks that the number get no more texts, or texts
// again. It does what STOP or START texted from the number does, and texts nothing: no
// confirmation (the person asked by phone, and a text to a number that asked for none would
// break the opt-out it confirms; START's answer is left out too, as the operator tells them).
// Logs and audit rows name student ids, never the number. Store thread or a CLI process, inside
// the caller's transaction.
#include <cstdint>
#include <string>
#include <vector>

#include "tuki/adapters/store/sqlite_store.hpp"
#include "tuki/core/instant.hpp"
#include "tuki/core/status.hpp"

namespace tuki::app {

/// What an operator's opt-out or opt-in of a number changed.
struct number_contact_change {
  std::vector<std::int64_t> students;  // student rows holding the number, of any institution
  bool was_opted_out = false;          // the number was on the opt-out list before
};

/// Opt-out (`opted_out`), as STOP: lists the E.164 `number` (a student imported with it later is
/// opted out as stored), opts out every student row holding it, clears their pause and ends
/// their dialogs (their timers go stale). Texts still queued to them are withheld by the claim
/// as after STOP: only crisis texts and keyword answers go. Opt-in, as START: ends the listing
/// and the opt-out and pause of every row holding the number. Audits `opt_out` or `opt_in` by
/// "cli" on each "student:<id>", and `opt_out_number` or `opt_in_number` with the count.
core::result<number_contact_change> set_number_contact(adapters::sqlite_store& store,
                                                       const std::string& number, bool opted_out,
                                                       core::instant now);

}  // namespace tuki::app
