#pragma once
// A set of folded word patterns ("hyvin", "ei hyvin", "itsemurh*", "👍"), each with an integer
// tag, matched against a token sequence. Built once at load; matching allocates nothing once the
// tokens' buffers are warm. The words themselves live in a vocabulary (vocabulary.hpp).
//
// Matching rules (shared by every lexicon-backed matcher, keywords and crisis detection):
// - a pattern of several words matches consecutive tokens; every start position is tried, so a
//   repeated word does not hide a match ("not not happy" contains "not happy");
// - a word ending in `*` matches any token starting with it;
// - in the tolerant pass a pattern word of 5+ letters also matches a token one edit away
//   (insertion, deletion, substitution or transposition of adjacent letters).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tuki/core/dialog/text_fold.hpp"
#include "tuki/core/dialog/vocabulary.hpp"

namespace tuki::dialog {

/// How crisis phrases are matched (crisis.hpp): tolerant, with gaps, and with typos guarded
/// (guarded_word); other matchers use plain tolerance.
struct guarded_match {
  /// Other tokens allowed between two words of a pattern ("haluan *vaan* kuolla").
  int max_gap = 1;
};

struct phrase_hit {
  std::uint32_t begin = 0;  // token index of the first word
  std::uint32_t end = 0;    // one past the last word
  int tag = 0;
};

class phrase_set {
 public:
  /// A set with a vocabulary of its own.
  phrase_set();
  /// A set whose words go into `words`, shared with other sets so that a token is looked up
  /// once for all of them (seal `words` once every set is filled).
  explicit phrase_set(std::shared_ptr<vocabulary> words);

  /// Adds a lexicon entry, folding it the way replies are folded. Returns false (and adds
  /// nothing) when the entry holds no word at all, e.g. "" or "!!".
  bool add(std::string_view entry, int tag, bool strip_accents);
  bool empty() const { return patterns_.empty(); }
  std::size_t size() const { return patterns_.size(); }
  const std::shared_ptr<vocabulary>& words() const { return words_; }

  /// The longest pattern that starts at token `i`, if any (of equally long ones: those whose
  /// first word is the token itself first, then prefix words, then typos, each in the order
  /// they were added).
  std::optional<phrase_hit> match_at(const std::vector<token>& tokens, std::size_t i,
                                     bool tolerant) const {
    // Inline: most sets have no pattern at most tokens, and learn it here without a call.
    if (!may_start_at(tokens[i], tolerant)) return std::nullopt;
    return longest_at(tokens, i, tolerant);
  }
  /// The longest pattern that starts at token `i` under the crisis rules (tolerant, with gaps
  /// and guarded typos); `end` is one past its last word.
  std::optional<phrase_hit> match_at(const std::vector<token>& tokens, std::size_t i,
                                     const guarded_match& rules) const {
    if (!may_start_at(tokens[i], true)) return std::nullopt;
    return longest_at(tokens, i, rules);
  }
  /// The first hit scanning left to right.
  std::optional<phrase_hit> first(const std::vector<token>& tokens, bool tolerant) const;
  /// Calls f(hit) for non-overlapping longest hits, left to right.
  template <class F>
  void scan(const std::vector<token>& tokens, bool tolerant, F&& f) const {
    for (std::size_t i = 0; i < tokens.size();) {
      auto hit = match_at(tokens, i, tolerant);
      if (!hit) {
        ++i;
        continue;
      }
      f(*hit);
      i = hit->end;
    }
  }
  /// Bit t set when some pattern tagged t (0..63) matches anywhere, overlaps allowed; with
  /// `skip`, patterns starting at a token i with (*skip)[i] do not count.
  std::uint64_t tags_present(const std::vector<token>& tokens, bool tolerant,
                             const std::vector<bool>* skip = nullptr) const;
  /// True when the whole token sequence is exactly one pattern (no tolerance).
  std::optional<int> whole(const std::vector<token>& tokens) const;

 private:
  struct pattern {
    std::vector<std::uint32_t> words;  // vocabulary ids
    int tag = 0;
  };
  /// Some pattern of this set may start at `t`: false rules every pattern out.
  bool may_start_at(const token& t, bool tolerant) const {
    if (t.emoji ? !has_emoji_ : !has_words_) return false;
    return (words_->resolve(t).starts(tolerant) & bit_) != 0;
  }
  /// match_at once may_start_at holds.
  std::optional<phrase_hit> longest_at(const std::vector<token>& tokens, std::size_t i,
                                       bool tolerant) const;
  std::optional<phrase_hit> longest_at(const std::vector<token>& tokens, std::size_t i,
                                       const guarded_match& rules) const;
  /// Calls visit(pattern index) for every pattern that may match at token i (a superset), once
  /// may_start_at holds. Defined and instantiated in phrase_set.cpp only.
  template <class F>
  void visit_candidates(const std::vector<token>& tokens, std::size_t i, bool tolerant,
                        F&& visit) const;
  template <class F>
  void for_each_starting_with(std::uint32_t word, F&& f) const;
  bool pattern_matches(const pattern& p, const std::vector<token>& tokens, std::size_t i,
                       bool tolerant) const;
  /// One past the token that matched the last word of `p` from word `k` at token `i` on, or 0.
  std::size_t guarded_end(const pattern& p, std::size_t k, const std::vector<token>& tokens,
                          std::size_t i, const guarded_match& rules) const;
  /// Word k of `p` matches `t` exactly, or with one typo when `t` is no word of any lexicon
  /// ("väldigt" is Swedish for "very", not a typo of "våldt*") and, in a one-word pattern, the
  /// word has 7+ letters ("raiska*" would take "raskas", heavy; "raped" would take "rated").
  bool guarded_word(const pattern& p, std::size_t k, const token& t) const;

  std::shared_ptr<vocabulary> words_;
  std::uint64_t bit_ = 0;  // this set's bit in words_ (vocabulary::set_bit)
  std::vector<pattern> patterns_;
  // (first word id, pattern index), sorted; and a bit per word id that starts some pattern, so
  // that most tokens are answered by one bit test.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> by_first_word_;
  std::vector<std::uint64_t> first_words_;
  bool has_words_ = false;     // some pattern starts with a word (not an emoji)
  bool has_emoji_ = false;     // some pattern starts with an emoji
  bool has_prefixes_ = false;  // some pattern starts with a prefix word
};

}  // namespace tuki::dialog
