#pragma once
// Crisis detection: self-harm, suicide and danger expressions of every language's lexicon
// (`crisis.phrases`), checked on every reply whatever the dialog state. A phrase hit that
// overlaps a listed near-miss (`crisis.exclude`: "kuolen tylsyyteen", "this exam is killing me")
// is ignored. One typo in words of 5+ letters is tolerated: missing a crisis is the worst error
// tuki can make, so recall beats precision here. Negation is NOT applied ("en halua elää" is a
// crisis).
#include <memory>
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
  bool detect(const std::vector<token>& tokens) const;

 private:
  phrase_set phrases_;
  phrase_set exclude_;
};

}  // namespace tuki::dialog
