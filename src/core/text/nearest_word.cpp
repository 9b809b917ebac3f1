#include "tuki/core/text/nearest_word.hpp"

#include <algorithm>

namespace tuki::core {
namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

std::string nearest_word(std::string_view word, const std::vector<std::string>& allowed) {
  std::string best;
  std::size_t best_d = 3;
  for (const auto& a : allowed) {
    std::size_t d = edit_distance(word, a);
    if (d < best_d) {
      best_d = d;
      best = a;
    }
  }
  // A name cut short ("remind" for "remind_after"): the one allowed word it begins.
  if (best.empty() && word.size() >= 4) {
    std::size_t found = 0;
    for (const auto& a : allowed)
      if (a.size() > word.size() && a.compare(0, word.size(), word) == 0 && ++found == 1) best = a;
    if (found != 1) best.clear();
  }
  return best;
}

}  // namespace tuki::core
