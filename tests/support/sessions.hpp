#pragma once
// A session in the middle of weekly_checkin with something in every field: negative and zero
// scores, two flags, two results, a reminder and hints, so a round trip that drops or mixes up a
// field shows.
#include "tuki/core/dialog/session.hpp"

namespace tuki::testing {

inline dialog::session mid_checkin_session() {
  dialog::session s;
  s.dialog_id = "weekly_checkin";
  s.dialog_version = "0123456789abcdef";
  s.node = "q2";
  s.token = 1'767'603'600'000'003;
  s.visits = {{"q1", 1}, {"q2", 2}};
  s.scores = {{"need", 3}, {"mood", -2}, {"zero", 0}};
  s.flags = {"needs_support", "high_need"};
  s.results = {{"q1", "struggling"}, {"contact", "yes"}};
  s.reminders_sent = 1;
  s.hints_used = 2;
  s.last_category = "struggling";
  s.started = core::from_unix_ms(1'767'603'600'000);
  s.expires = core::from_unix_ms(1'767'862'800'000);
  return s;
}

}  // namespace tuki::testing
