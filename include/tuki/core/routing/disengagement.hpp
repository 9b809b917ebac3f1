#pragma once
// Disengagement (pure): a student who stops answering check-ins, or whose messages stop being
// delivered, becomes a ticket of its own (`no_reply` -> teacher, `delivery_failed` -> study
// counsellor in the defaults) so that silence is noticed too.
#include <optional>
#include <span>

#include "tuki/core/routing/route.hpp"

namespace tuki::routing {

enum class checkin_outcome { answered, unanswered, delivery_failed };

struct disengagement_settings {
  int unanswered_in_a_row = 2;         // K: no_reply after K unanswered check-ins in a row
  int failed_deliveries_in_a_row = 2;  // delivery_failed after this many failed deliveries in a row
  bool operator==(const disengagement_settings&) const = default;
};

/// `recent` is the student's check-in outcomes, oldest first, including the one just settled.
/// Returns a request when the trailing run of unanswered (or failed) check-ins has just reached
/// a multiple of its threshold: once at K, again at 2K, ... so a persisting silence is raised
/// again after a resolved ticket, but not on every check-in. Thresholds below 1 disable.
std::optional<ticket_request> disengagement_check(std::span<const checkin_outcome> recent,
                                                  const student_ref& student,
                                                  const disengagement_settings& settings);

}  // namespace tuki::routing
