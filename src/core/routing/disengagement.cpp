#include "tuki/core/routing/disengagement.hpp"

namespace tuki::routing {

std::optional<ticket_request> disengagement_check(std::span<const checkin_outcome> recent,
                                                  const student_ref& student,
                                                  const disengagement_settings& settings) {
  if (recent.empty()) return std::nullopt;
  const checkin_outcome last = recent.back();
  if (last == checkin_outcome::answered) return std::nullopt;
  int run = 0;
  for (auto it = recent.rbegin(); it != recent.rend() && *it == last; ++it) ++run;
  const int threshold = last == checkin_outcome::unanswered ? settings.unanswered_in_a_row
                                                            : settings.failed_deliveries_in_a_row;
  if (threshold < 1 || run % threshold != 0) return std::nullopt;
  ticket_request r;
  r.category = last == checkin_outcome::unanswered ? "no_reply" : "delivery_failed";
  r.urgency = core::urgency::normal;
  r.student = student;
  return r;
}

}  // namespace tuki::routing
