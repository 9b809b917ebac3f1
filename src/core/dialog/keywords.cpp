#include "tuki/core/dialog/keywords.hpp"

#include <algorithm>

namespace tuki::dialog {
namespace {

std::string join(const std::vector<token>& tokens) {
  std::string s;
  for (const auto& t : tokens) {
    if (!s.empty()) s += ' ';
    s += t.text;
  }
  return s;
}

}  // namespace

keyword_detector::keyword_detector(const lexicon& lex) {
  std::vector<token> toks;
  for (const auto& [code, l] : lex.languages)
    for (const auto& [kw, words] : l.keywords)
      for (const auto& w : words) {
        tokenize(fold_text(w, true), toks);
        if (toks.empty()) continue;
        first_words_.push_back(toks.front().hash);
        auto& list = by_message_[join(toks)];
        bool dup = false;
        for (const auto& m : list) dup = dup || (m.keyword == kw && m.language == code);
        if (!dup) list.push_back({kw, code});
      }
  std::sort(first_words_.begin(), first_words_.end());
  first_words_.erase(std::unique(first_words_.begin(), first_words_.end()), first_words_.end());
}

std::optional<keyword_match> keyword_detector::detect(const std::vector<token>& tokens,
                                                      const std::string& preferred) const {
  if (tokens.empty() || tokens.size() > 4) return std::nullopt;
  if (!std::binary_search(first_words_.begin(), first_words_.end(), tokens.front().hash))
    return std::nullopt;
  thread_local std::string message;  // reused: no allocation per reply once warm
  message.clear();
  for (const auto& t : tokens) {
    if (!message.empty()) message += ' ';
    message += t.text;
  }
  auto it = by_message_.find(message);
  if (it == by_message_.end()) return std::nullopt;
  for (const auto& m : it->second)
    if (m.language == preferred) return m;
  return it->second.front();
}

}  // namespace tuki::dialog
