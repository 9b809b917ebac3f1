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
       {&s->numbers, &s->answers, &s->negations, &s->sentiment, &s->all_topics, &s->emoji_polarity})
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
  for (const auto& [code, l] : lex.languages) {
    for (const auto& [word, value] : l.numbers)
      if (!ambiguous.count(word)) s->numbers.add(word, value, strip_accents);
    for (const auto& [answer, tag] : {std::pair{"yes", 1}, std::pair{"no", 0}})
      if (auto it = l.answers.find(answer); it != l.answers.end())
        for (const auto& w : it->second) s->answers.add(w, tag, strip_accents);
    for (const auto& [cls, tag] : polarities)
      if (auto it = l.sentiment.find(cls); it != l.sentiment.end())
        for (const auto& w : it->second) s->sentiment.add(w, tag, strip_accents);
    for (const auto& [topic, words] : l.topics)
      for (const auto& w : words)
          s->topics.try_emplace(topic, s->words).first->second.add(w, 0, strip_accents);
  }
  // A negation word counts everywhere when any language lists it as a plain negation; else
  // only for the languages that list it as their own.
  std::map<std::string, int> negation_tags;
  for (const auto& [code, l] : lex.languages)
    for (const auto& w : l.negations) negation_tags[w] = 0;
  for (const auto& [code, l] : lex.languages) {
    if (l.negations_own_language.empty() || s->negation_languages.size() == 30) continue;
    const int bit = 1 << s->negation_languages.size();
    s->negation_languages.push_back(code);
    for (const auto& w : l.negations_own_language)
      if (auto [it, added] = negation_tags.try_emplace(w, bit); !added && it->second != 0)
        it->second |= bit;
  }
  for (const auto& [word, tag] : negation_tags) s->negations.add(word, tag, strip_accents);
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

int lexicon_sets::language_bit(std::string_view language) const {
  const std::string_view base = language.substr(0, language.find_first_of("-_"));
  for (std::size_t i = 0; i < negation_languages.size(); ++i)
    if (negation_languages[i] == base) return 1 << i;
  return 0;
}

}  // namespace tuki::dialog
