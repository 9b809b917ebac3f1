#include "tuki/core/dialog/crisis.hpp"

namespace tuki::dialog {

crisis_detector::crisis_detector(const lexicon& lex)
    : crisis_detector(lex, std::make_shared<vocabulary>()) {
  phrases_.words()->seal();
}

crisis_detector::crisis_detector(const lexicon& lex, std::shared_ptr<vocabulary> words)
    : phrases_(words), exclude_(words) {
  for (const auto& [code, l] : lex.languages) {
    const int tag = static_cast<int>(languages_.size());
    languages_.push_back(code);
    for (const auto& p : l.crisis_phrases) phrases_.add(p, tag, true);
    for (const auto& p : l.crisis_exclude) exclude_.add(p, tag, true);
  }
}

std::optional<std::string_view> crisis_detector::find(const std::vector<token>& tokens) const {
  if (phrases_.empty()) return std::nullopt;
  // One tolerant pass: it finds exact hits too, and only a yes/no answer is needed.
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    auto hit = phrases_.match_at(tokens, i, guarded_match{});
    if (!hit) continue;
    bool excluded = false;
    // An exclusion may start before the crisis words ("this exam is killing me").
    // An exclusion never reaches across punctuation: "i cant go on, friday was the worst" is
    // not "can't go on friday".
    auto one_clause = [&](const phrase_hit& ex) {
      for (std::size_t k = ex.begin + 1; k < ex.end; ++k)
        if (tokens[k].clause_start) return false;
      return true;
    };
    for (std::size_t j = 0; j < hit->end && !excluded; ++j)
      if (auto ex = exclude_.match_at(tokens, j, guarded_match{});
          ex && ex->end > hit->begin && one_clause(*ex))
        excluded = true;
    if (!excluded) return std::string_view(languages_[static_cast<std::size_t>(hit->tag)]);
  }
  return std::nullopt;
}

}  // namespace tuki::dialog
