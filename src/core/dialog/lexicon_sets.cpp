#include "tuki/core/dialog/lexicon_sets.hpp"

#include <algorithm>
#include <set>
#include <string>

namespace tuki::dialog {

std::shared_ptr<const lexicon_sets> build_lexicon_sets(const lexicon& lex, bool strip_accents) {
  auto s = std::make_shared<lexicon_sets>();
  s->strip_accents = strip_accents;
  s->words = std::make_shared<vocabulary>();
  for (phrase_set* set :
       {&s->numbers, &s->rating_scale, &s->rating_tail, &s->answers, &s->negations, &s->sentiment,
        &s->all_topics, &s->emoji_polarity, &s->contrast, &s->lack_words, &s->problem_words,
        &s->courtesy, &s->not_typos})
    *set = phrase_set(s->words);
  const std::pair<const char*, int> polarities[] = {
      {"positive", 1}, {"neutral", 0}, {"negative", -1}};
  // A number word that is a negation or a yes/no answer in any language is too ambiguous to
  // count as a number when every language's words count at once: Swedish "en" (one) is Finnish
  // "en" (I don't), and "en tarvii" must not read as "1".
  std::set<std::string> ambiguous;
  for (const auto& [code, l] : lex.languages) {
    for (const auto& w : l.negations) ambiguous.insert(w);
    for (const auto& w : l.negations_own_language) ambiguous.insert(w);
    for (const auto& [answer, words] : l.answers) ambiguous.insert(words.begin(), words.end());
  }
  for (const auto& cls : contact_classes()) s->contact.try_emplace(cls, s->words);
  for (const auto& [code, l] : lex.languages) {
    for (const auto& [word, value] : l.numbers)
      if (!ambiguous.count(word)) s->numbers.add(word, value, strip_accents);
    for (const auto& w : l.rating_scale) s->rating_scale.add(w, 0, strip_accents);
    for (const auto& w : l.rating_tail) s->rating_tail.add(w, 0, strip_accents);
    for (const auto& w : l.contrast) s->contrast.add(w, 0, strip_accents);
    for (const auto& w : l.lack_words) s->lack_words.add(w, 0, strip_accents);
    for (const auto& w : l.problem_words) s->problem_words.add(w, 0, strip_accents);
    for (const auto& w : l.courtesy) s->courtesy.add(w, 0, strip_accents);
    for (const auto& w : l.not_typos) s->not_typos.add(w, 0, strip_accents);
    for (const auto& [cls, tag] : polarities)
      if (auto it = l.sentiment.find(cls); it != l.sentiment.end())
        for (const auto& w : it->second) s->sentiment.add(w, tag, strip_accents);
    for (auto& [cls, set] : s->contact)
      if (auto it = l.contact.find(cls); it != l.contact.end())
        for (const auto& w : it->second) set.add(w, 0, strip_accents);
    for (const auto& [topic, words] : l.topics)
      for (const auto& w : words)
          s->topics.try_emplace(topic, s->words).first->second.add(w, 0, strip_accents);
  }
  // A negation word counts everywhere when any language lists it as a plain negation; else
  // only for the languages that list it as their own. The same for answer words (per answer).
  std::map<std::string, int> negation_tags;
  // (folded word, value) -> language mask: Latvian "nē" and Lithuanian "ne" are one word once
  // accents are folded, a plain answer for everyone because Latvian lists it as one.
  std::map<std::pair<std::string, int>, int> answer_tags;
  auto answer_key = [&](const std::string& w) { return fold_text(w, strip_accents); };
  const std::pair<const char*, int> answer_values[] = {{"yes", 1}, {"no", 0}, {"unsure", 2}};
  for (const auto& [code, l] : lex.languages) {
    for (const auto& w : l.negations) negation_tags[w] = 0;
    for (const auto& [answer, value] : answer_values)
      if (auto it = l.answers.find(answer); it != l.answers.end())
        for (const auto& w : it->second)
          if (std::find(l.answers_own_language.begin(), l.answers_own_language.end(), w) ==
              l.answers_own_language.end())
            answer_tags[{answer_key(w), value}] = 0;
  }
  for (const auto& [code, l] : lex.languages) {
    if ((l.negations_own_language.empty() && l.answers_own_language.empty()) ||
        s->negation_languages.size() == 28)
      continue;
    const int bit = 1 << s->negation_languages.size();
    s->negation_languages.push_back(code);
    for (const auto& w : l.negations_own_language)
      if (auto [it, added] = negation_tags.try_emplace(w, bit); !added && it->second != 0)
        it->second |= bit;
    for (const auto& [answer, value] : answer_values)
      if (auto it = l.answers.find(answer); it != l.answers.end())
        for (const auto& w : it->second)
          if (std::find(l.answers_own_language.begin(), l.answers_own_language.end(), w) !=
              l.answers_own_language.end())
            if (auto [at, added] = answer_tags.try_emplace({answer_key(w), value}, bit);
                !added && at->second != 0)
              at->second |= bit;
  }
  for (const auto& [word, tag] : negation_tags) s->negations.add(word, tag, strip_accents);
  for (const auto& [key, mask] : answer_tags)
    s->answers.add(key.first, key.second + 4 * mask, strip_accents);
  for (const auto& [code, l] : lex.languages)
    for (const auto& [topic, words] : l.topics) {
      auto it = std::find(s->topic_names.begin(), s->topic_names.end(), topic);
      if (it == s->topic_names.end()) {
        if (s->topic_names.size() == 64) continue;  // more topics than bits: ignored here
        it = s->topic_names.insert(s->topic_names.end(), topic);
      }
      int tag = static_cast<int>(it - s->topic_names.begin());
      for (const auto& w : words) s->all_topics.add(w, tag, strip_accents);
    }
  for (const auto& [cls, list] : lex.emoji)
    for (const auto& e : list)
      s->emoji.try_emplace(cls, s->words).first->second.add(e, 0, strip_accents);
  for (const auto& [cls, tag] : polarities)
    if (auto it = lex.emoji.find(cls); it != lex.emoji.end())
      for (const auto& e : it->second) s->emoji_polarity.add(e, tag, strip_accents);
  s->words->seal();
  return s;
}

bool lexicon_sets::courtesy_at(const std::vector<token>& tokens, std::size_t i) const {
  if (courtesy.empty()) return false;
  auto hit = courtesy.match_at(tokens, i, false);
  return hit && hit->end == i + 1;
}

int lexicon_sets::language_bit(std::string_view language) const {
  // Every step asks: a loop, not find_first_of("-_"), which searches the set per character.
  std::size_t n = 0;
  while (n < language.size() && language[n] != '-' && language[n] != '_') ++n;
  const std::string_view base = language.substr(0, n);
  for (std::size_t i = 0; i < negation_languages.size(); ++i)
    if (negation_languages[i] == base) return 1 << i;
  return 0;
}

}  // namespace tuki::dialog
