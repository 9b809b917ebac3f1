#pragma once
// A vocabulary: the folded words of several phrase sets (the lexicon's sets and crisis phrases of
// a library share one), each with an integer id. A reply's token is looked up once per step
// (resolve) and every phrase set then compares ids, instead of each set hashing the token, its
// prefixes and its one-deletion variants again.
//
// Filled at load (add), then sealed: seal() precomputes what a token equal to each word's text
// matches, so resolving a known word is one hash lookup. Tokens that are no word of the
// vocabulary (and every token while unsealed) are resolved through the indexes, with the same
// result. Not thread-safe while filled; once filled, resolve() may be called from many threads
// (each with its own tokens). Adding a word after seal() undoes the seal.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tuki/core/dialog/text_fold.hpp"
#include "tuki/core/dialog/word_index.hpp"
#include "tuki/core/dialog/word_matches.hpp"

namespace tuki::dialog {

/// True when a and b differ by at most one edit (Damerau: a transposition counts as one).
bool within_one_edit(std::u32string_view a, std::u32string_view b);

class vocabulary {
 public:
  vocabulary();
  vocabulary(const vocabulary&) = delete;
  vocabulary& operator=(const vocabulary&) = delete;

  /// Interns a folded word (one token's text; `prefix`: a pattern word ending in `*`, which
  /// matches any token starting with it). The same text and kind always get the same id.
  /// `emoji`: the token the word came from is an emoji (never typo-tolerant).
  std::uint32_t add(std::string_view folded, bool prefix, bool emoji);
  /// Precomputes the matches of every word's text (see the header comment). Idempotent.
  void seal();
  bool sealed() const { return sealed_; }
  std::size_t size() const { return words_.size(); }
  std::string_view text(std::uint32_t id) const { return words_[id].text; }
  /// A bit for a phrase set that keeps its words here (word_matches::exact_starts): one of 64,
  /// shared round-robin when more sets than that share the vocabulary (a shared bit only lets
  /// the sets sharing it look for candidates at more tokens).
  std::uint64_t set_bit() { return std::uint64_t{1} << (sets_++ % 64); }
  /// Word `id` is the first word of a pattern of the set with bit `bit`.
  void note_start(std::uint32_t id, std::uint64_t bit);
  bool is_prefix(std::uint32_t id) const { return words_[id].prefix; }

  /// What `t` matches here; cached in `t` (valid until `t` is tokenised again or this
  /// vocabulary changes). The reference lives as long as both.
  const word_matches& resolve(const token& t) const {
    if (t.resolved_in == generation_)
      return t.shared_matches ? *t.shared_matches : t.own_matches;
    return resolve_anew(t);
  }
  /// The same without a token's cache (for tests and seal): `keys` is scratch.
  void match(std::string_view text, bool emoji, std::vector<word_key>& keys,
             word_matches& out) const;

 private:
  const word_matches& resolve_anew(const token& t) const;
  void match_words(std::string_view text, bool emoji, std::vector<word_key>& keys,
                   word_matches& out) const;
  /// Matches computed before a change may be stale: undoes the seal, and tokens resolve anew.
  void changed();
  struct word {
    std::string text;
    std::u32string cps;
    bool prefix = false;
    bool emoji = false;
    std::uint64_t starts = 0;  // set bits of the phrase sets with a pattern starting with it
  };
  struct sealed_text {
    bool emoji = false;
    word_matches matches;
  };
  std::vector<word> words_;
  word_index whole_;   // text -> id of the whole word
  word_index prefix_;  // text -> id of the prefix word
  // Whole words of 5+ letters under themselves and every one-deletion variant: a token within
  // one edit of such a word shares a key with it (itself or one of its one-deletion variants).
  word_index by_deletion_;
  // Prefix words of 5+ letters under their first four letters and those with one deleted. When
  // a beginning of a token is within one edit of such a word, one of the token's keys (its
  // first four letters, those with one deleted, its first five with one deleted) is among them.
  word_index prefix_by_deletion_;
  std::size_t longest_prefix_ = 0;  // bytes of the longest prefix word
  // Sealed: each distinct word text -> index into texts_.
  word_index sealed_index_;
  std::vector<sealed_text> texts_;
  bool sealed_ = false;
  std::uint64_t sets_ = 0;        // set bits handed out
  std::uint64_t generation_ = 0;  // unique per vocabulary and change: tokens cache by it
};

}  // namespace tuki::dialog
