#pragma once
// The lexicon folded for matching: one phrase_set per word class, the union over all languages
// (students switch language mid-conversation, so every language's words are active at once).
// Built once per accent setting at library load; immutable and shared by the dialogs' matchers.
// All sets share one vocabulary, so that a reply's tokens are looked up once per step.
#include <map>
#include <string_view>
#include <memory>
#include <string>
#include <vector>

#include "tuki/core/dialog/lexicon.hpp"
#include "tuki/core/dialog/phrase_set.hpp"

namespace tuki::dialog {

struct lexicon_sets {
  bool strip_accents = true;
  /// The words of every set below (sealed by build_lexicon_sets).
  std::shared_ptr<vocabulary> words;
  phrase_set numbers;    // tag: the value
  phrase_set rating_scale;  // "out of 5", "viidestä": tag 0
  phrase_set rating_tail;   // "this week", "tällä viikolla" after a scale: tag 0
  /// tag: answer_value (1 yes, 0 no, 2 unsure) + 4 * a mask of language_bit()s: 0 counts for
  /// every student, else the word is an own-language answer (answers_own_language), which for
  /// students of other languages counts only as the whole reply.
  phrase_set answers;
  static constexpr int answer_value(int tag) { return tag & 3; }
  static constexpr int answer_languages(int tag) { return tag >> 2; }
  phrase_set contrast;  // "but", "mutta": tag 0
  /// tag: 0 negates in every reply; else a mask of language_bit()s, and the word negates only
  /// for students of those languages (negations_own_language).
  phrase_set negations;
  /// Languages with own-language negations or answers, by bit (at most 28).
  std::vector<std::string> negation_languages;
  /// The own-language tag bit of a student's language ("fi", "fi-FI"), 0 when it has none.
  int language_bit(std::string_view language) const;
  /// lack_words and problem_words of every lexicon (tag 0): see mark_negations (reply.hpp).
  phrase_set lack_words;
  phrase_set problem_words;
  /// Courtesy words of every lexicon ("thanks", "kiitos"), tag 0: see courtesy_at.
  phrase_set courtesy;
  /// not_typos of every lexicon: never matched, only there so that their words are words of the
  /// vocabulary, which a reply's word is never read as a typo of another (phrase_set).
  phrase_set not_typos;
  /// Token `i` is a courtesy word by itself (an entry of one word): it does not count as a word
  /// of a reply (prepared_reply::content_words, a whole-reply yes/no).
  bool courtesy_at(const std::vector<token>& tokens, std::size_t i) const;
  phrase_set sentiment;  // tag: +1 positive, 0 neutral, -1 negative
  std::map<std::string, phrase_set> topics;
  /// contact_classes() -> the phrases of every lexicon's `contact` class (tag 0); every class
  /// are present, empty when no lexicon lists one.
  std::map<std::string, phrase_set> contact;
  phrase_set all_topics;                    // every topic's words, tag = index in topic_names
  std::vector<std::string> topic_names;     // at most 64
  std::map<std::string, phrase_set> emoji;  // class -> emoji (common.yaml)
  phrase_set emoji_polarity;                // tag: +1, 0, -1 for the three sentiment classes
};

std::shared_ptr<const lexicon_sets> build_lexicon_sets(const lexicon& lex, bool strip_accents);

}  // namespace tuki::dialog
