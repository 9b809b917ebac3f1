#pragma once
// A student's reply prepared once per step for every matcher: folded, tokenised, with negation
// scopes marked. Matchers read it; the sentiment memo lets several sentiment matchers of one
// dialog share one classification (they share one lexicon_sets).
#include <optional>
#include <string_view>
#include <vector>

#include "tuki/core/dialog/lexicon_sets.hpp"
#include "tuki/core/dialog/text_fold.hpp"

namespace tuki::dialog {

struct prepared_reply {
  std::string_view raw;
  folded_text folded;
  /// negated[i]: token i lies in the scope of a negation (the 1-3 tokens after a negation word,
  /// not crossing punctuation or a contrast word). Two negations in one scope cancel ("not not
  /// happy").
  std::vector<bool> negated;
  /// topic_cancelled[i]: a topic word or phrase starting at token i does not count, because a
  /// negation denies it: the token right after a negation ("not tired", "ei oo kipee" with the
  /// negation "ei oo") unless it is a lack word ("ei oo rahaa"), or a negation and its whole
  /// scope when the scope denies a problem ("no problems with money", "no money problems", "i
  /// dont have money problems"). See mark_negations.
  std::vector<bool> topic_cancelled;
  /// The token of the last lack the reply states (a negation right before a lack word: "ei oo
  /// rahaa", "no money"), or no_lack. A lack is a negative signal (classify_sentiment): "mul ei
  /// oo rahaa, muuten ok" is not a neutral reply.
  static constexpr std::size_t no_lack = static_cast<std::size_t>(-1);
  std::size_t last_lack = no_lack;
  /// Words of the whole reply that say something: tokens that are no emoji and no courtesy word
  /// ("thanks", "kiitos"). Kept whole in reply_after_contrast.
  std::size_t content_words = 0;
  /// The student's own-language bit (lexicon_sets::language_bit), 0 when none.
  int language_bit = 0;
  /// One past the last contrast word ("but", "mutta"), 0 when there is none: a case's `unless`
  /// reads only the tokens from here on (engine.cpp).
  std::size_t after_contrast = 0;
  mutable std::optional<int> sentiment_memo[2];  // [tolerant]; see classify_sentiment
  /// Tokens of earlier, longer replies, kept with their buffers for the next (see tokenize).
  std::vector<token> spare_tokens;

  /// A per-step memo for results several matchers of one node share (the first number, the
  /// first yes/no word, an emoji class): `key` is the shared word set's address.
  std::optional<int> recall(const void* key, bool tolerant) const {
    for (const auto& m : memo_)
      if (m.key == key && m.tolerant == tolerant) return m.value;
    return std::nullopt;
  }
  void remember(const void* key, bool tolerant, int value) const {
    memo_.push_back({key, tolerant, value});
  }
  void clear_memo() const {
    memo_.clear();
    sentiment_memo[0].reset();
    sentiment_memo[1].reset();
  }

 private:
  struct memo_entry {
    const void* key;
    bool tolerant;
    int value;
  };
  mutable std::vector<memo_entry> memo_;
};

/// Folds and tokenises `raw` with `sets`' accent setting and marks negation scopes; `language`
/// is the student's (own-language negations count only for it).
void prepare_reply(std::string_view raw, const lexicon_sets& sets, std::string_view language,
                   prepared_reply& out);
/// The part of `r` after its last contrast word (tokens, negation marks, language; the folded
/// text stays whole), for the vetoes of a case (engine.cpp).
prepared_reply reply_after_contrast(const prepared_reply& r);
/// Marks negation scopes in `r` with `sets`' words (exposed for tests): negation hits tagged
/// 0, or tagged with a mask that holds `language_bit`. A scope is the 1-3 tokens after the
/// negation, ending at punctuation and at a contrast word ("no problems but money"). Fills
/// topic_cancelled from the lack and problem words.
void mark_negations(const lexicon_sets& sets, int language_bit, prepared_reply& r);

/// The reply's overall sentiment: +1, 0, -1, or nullopt when it has no sentiment word or emoji.
/// A negated positive counts as negative ("ei hyvin", "not ok" -> -1); a negated negative counts
/// as neutral ("not bad" -> 0); a stated lack ("ei oo rahaa", last_lack) counts as negative;
/// any negative wins over positive (we would rather ask once more than miss a student who
/// struggles), else positive wins over neutral.
std::optional<int> classify_sentiment(const lexicon_sets& sets, const prepared_reply& r,
                                      bool tolerant);

}  // namespace tuki::dialog
