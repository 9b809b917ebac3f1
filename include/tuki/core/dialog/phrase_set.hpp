#pragma once
// A set of folded word patterns ("hyvin", "ei hyvin", "itsemurh*", "👍"), each with an integer
// tag, matched against a token sequence. Built once at load; matching allocates nothing.
//
// Matching rules (shared by every lexicon-backed matcher, keywords and crisis detection):
// - a pattern of several words matches consecutive tokens; every start position is tried, so a
//   repeated word does not hide a match ("not not happy" contains "not happy");
// - a word ending in `*` matches any token starting with it;
// - in the tolerant pass a pattern word of 5+ letters also matches a token one edit away
//   (insertion, deletion, substitution or transposition of adjacent letters).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tuki/core/dialog/text_fold.hpp"
#include "tuki/core/dialog/word_index.hpp"

namespace tuki::dialog {

struct phrase_hit {
  std::uint32_t begin = 0;  // token index of the first word
  std::uint32_t end = 0;    // one past the last word
  int tag = 0;
};

/// True when a and b differ by at most one edit (Damerau: a transposition counts as one).
bool within_one_edit(std::u32string_view a, std::u32string_view b);

class phrase_set {
 public:
  /// Adds a lexicon entry, folding it the way replies are folded. Returns false (and adds
  /// nothing) when the entry holds no word at all, e.g. "" or "!!".
  bool add(std::string_view entry, int tag, bool strip_accents);
  bool empty() const { return patterns_.empty(); }
  std::size_t size() const { return patterns_.size(); }

  /// The longest pattern that starts at token `i`, if any.
  std::optional<phrase_hit> match_at(const std::vector<token>& tokens, std::size_t i,
                                     bool tolerant) const;
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
  /// Bit t set when some pattern tagged t (0..63) matches anywhere, overlaps allowed.
  std::uint64_t tags_present(const std::vector<token>& tokens, bool tolerant) const;
  /// True when the whole token sequence is exactly one pattern (no tolerance).
  std::optional<int> whole(const std::vector<token>& tokens) const;

 private:
  struct word {
    std::string text;
    std::u32string cps;
    bool prefix = false;
  };
  struct pattern {
    std::vector<word> words;
    int tag = 0;
  };
  bool word_matches(const word& w, const token& t, bool tolerant) const;
  /// Calls visit(pattern index) for every pattern that may match at token i (a superset).
  /// Defined and instantiated in phrase_set.cpp only.
  template <class F>
  void visit_candidates(const std::vector<token>& tokens, std::size_t i, bool tolerant,
                        F&& visit) const;
  bool pattern_matches(const pattern& p, const std::vector<token>& tokens, std::size_t i,
                       bool tolerant) const;

  std::vector<pattern> patterns_;
  word_index by_first_word_;
  // Patterns whose first word ends in `*`, as (first two letters, pattern index) sorted by
  // letters, then index (a word of one letter: that letter and 0). An exact match needs the
  // token to start with the word, hence with its first two letters.
  std::vector<std::pair<std::uint64_t, std::uint32_t>> prefix_by_lead_;
  // The tolerant lookup of those words of 5+ letters: each is indexed under its first four
  // letters and under those four with one letter deleted. When a beginning of a token is within
  // one edit of such a word, one of the token's keys (its first four letters, those with one
  // deleted, its first five with one deleted: token::prefix_keys) is among the word's keys.
  word_index prefix_by_deletion_;
  // Tolerant lookup without scanning every pattern: each first word of 5+ letters is indexed
  // under itself and under every variant with one letter deleted. A token within one edit of
  // such a word shares a key with it (itself or one of its own one-deletion variants).
  word_index by_deletion_;
  bool has_words_ = false;  // some pattern starts with a word (not an emoji)
  bool has_emoji_ = false;  // some pattern starts with an emoji
};

}  // namespace tuki::dialog
