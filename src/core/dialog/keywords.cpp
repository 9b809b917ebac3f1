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
  for (const auto& [code, l] : lex.languages) {
    for (const auto& [kw, words] : l.keywords)
      if (!words.empty()) has_keyword_.push_back(code + " " + kw);
    for (const auto& w : l.courtesy) {
      tokenize(fold_text(w, true), toks);
      if (toks.size() == 1) courtesy_.push_back(toks.front().hash);
    }
  }
  for (auto* v : {&first_words_, &courtesy_}) {
    std::sort(v->begin(), v->end());
    v->erase(std::unique(v->begin(), v->end()), v->end());
  }
  std::sort(has_keyword_.begin(), has_keyword_.end());
}

std::optional<keyword_match> keyword_detector::detect(const std::vector<token>& tokens,
                                                      const std::string& preferred) const {
  if (tokens.empty() || tokens.size() > max_tokens) return std::nullopt;
  // The words that say something: no emoji, no courtesy word, no word said again right after.
  thread_local std::vector<const token*> kept;  // reused: no allocation per reply once warm
  kept.clear();
  for (const auto& t : tokens) {
    if (t.emoji || std::binary_search(courtesy_.begin(), courtesy_.end(), t.hash)) continue;
    if (!kept.empty() && kept.back()->text == t.text) continue;
    kept.push_back(&t);
  }
  if (kept.empty() || kept.size() > 4) return std::nullopt;
  if (!std::binary_search(first_words_.begin(), first_words_.end(), kept.front()->hash))
    return std::nullopt;
  thread_local std::string message;
  message.clear();
  for (const auto* t : kept) {
    if (!message.empty()) message += ' ';
    message += t->text;
  }
  auto it = by_message_.find(message);
  if (it == by_message_.end()) return std::nullopt;
  for (const auto& m : it->second)
    if (m.language == preferred) return m;
  // Another language's word ("stopp" from a Finnish student): answered in the student's own
  // language when it has that keyword.
  const auto& m = it->second.front();
  if (std::binary_search(has_keyword_.begin(), has_keyword_.end(), preferred + " " + m.keyword))
    return keyword_match{m.keyword, preferred};
  return m;
}

}  // namespace tuki::dialog
