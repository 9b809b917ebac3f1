#pragma once
// Crisis detection: self-harm, suicide and danger expressions of every language's lexicon
// (`crisis.phrases`), checked on every reply whatever the dialog state. A phrase hit that
// overlaps a listed near-miss (`crisis.exclude`: "kuolen tylsyyteen", "this exam is killing me")
// is ignored. Missing a crisis is the worst error tuki can make, so matching is lenient:
// one typo in words of 5+ letters, and one other word allowed between two words of a phrase
// ("haluan vaan kuolla"). But a false alarm sends a student the crisis text and staff an urgent
// ticket, so typos are guarded (phrase_set.hpp, guarded_match): never from a token that is a
// word of some lexicon, and in one-word phrases only at 7+ letters. Negation is NOT applied
// ("en halua elää" is a crisis).
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tuki/core/dialog/lexicon.hpp"
#include "tuki/core/dialog/phrase_set.hpp"

namespace tuki::dialog {

class crisis_detector {
 public:
  crisis_detector() = default;
  /// Folds every phrase with accents stripped; detect() needs tokens folded the same way. The
  /// phrases' words go into a vocabulary of the detector's own, sealed.
  explicit crisis_detector(const lexicon& lex);
  /// The same with the words in `words` (the library shares the accent-folded lexicon's, so
  /// that a reply's tokens are looked up once); the caller seals it.
  crisis_detector(const lexicon& lex, std::shared_ptr<vocabulary> words);
  bool detect(const std::vector<token>& tokens) const { return find(tokens).has_value(); }
  /// The language code of the lexicon whose phrase was found first (left to right; of phrases
  /// at the same place, the longest), if the tokens hold a crisis. A guess at the writer's
  /// language when tuki does not know it: an unregistered sender.
  std::optional<std::string_view> find(const std::vector<token>& tokens) const;

 private:
  std::vector<std::string> languages_;  // by phrase tag
  phrase_set phrases_;
  phrase_set exclude_;
};

}  // namespace tuki::dialog
