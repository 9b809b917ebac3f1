#include "tuki/core/dialog/scoring.hpp"

namespace tuki::dialog {

void add_score(const dialog& d, session& s, const std::string& name, int amount) {
  int& total = s.scores[name];
  total += amount;
  for (const auto& th : d.thresholds)
    if (th.score == name && total >= th.at_least) s.flags.insert(th.flag);
}

core::urgency ticket_urgency(const dialog& d, const session& s, core::urgency base) {
  core::urgency u = base;
  for (const auto& th : d.thresholds)
    if (th.urgency && s.flags.count(th.flag) && *th.urgency > u) u = *th.urgency;
  return u;
}

}  // namespace tuki::dialog
