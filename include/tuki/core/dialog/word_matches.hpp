#pragma once
// What one token matches in a vocabulary (vocabulary.hpp): word ids, so that phrase sets compare
// integers instead of looking the token up themselves. Filled by vocabulary::resolve.
#include <cstdint>
#include <vector>

namespace tuki::dialog {

inline constexpr std::uint32_t no_word = 0xFFFFFFFFu;

struct word_matches {
  /// The whole word equal to the token, or no_word.
  std::uint32_t word = no_word;
  /// Prefix words (`hyv*`) the token starts with, itself included; sorted.
  std::vector<std::uint32_t> prefixes;
  /// Whole words of 5+ letters one edit away from the token (not `word`); sorted. Empty for an
  /// emoji token.
  std::vector<std::uint32_t> near_words;
  /// Prefix words of 5+ letters that some beginning of the token is one edit away from (not in
  /// `prefixes`); sorted. Empty for an emoji token.
  std::vector<std::uint32_t> near_prefixes;
  /// The bits (vocabulary::set_bit) of the phrase sets with a pattern whose first word the
  /// token matches exactly (`word` or one of `prefixes`), and with one typo allowed (any of the
  /// ids above): a set whose bit is clear has no candidate pattern at the token, which most
  /// sets at most tokens then learn from one test.
  std::uint64_t exact_starts = 0;
  std::uint64_t tolerant_starts = 0;

  /// The token matches word `id` exactly: it is the word, or starts with the prefix word.
  bool exact(std::uint32_t id) const { return id == word || holds(prefixes, id); }
  /// The token matches word `id` with one typo allowed (words of 5+ letters only).
  bool tolerant(std::uint32_t id) const {
    return exact(id) || holds(near_words, id) || holds(near_prefixes, id);
  }
  void clear() {
    word = no_word;
    prefixes.clear();
    near_words.clear();
    near_prefixes.clear();
    exact_starts = tolerant_starts = 0;
  }
  std::uint64_t starts(bool tolerant) const { return tolerant ? tolerant_starts : exact_starts; }

 private:
  static bool holds(const std::vector<std::uint32_t>& ids, std::uint32_t id) {
    for (auto i : ids)
      if (i == id) return true;
    return false;
  }
};

}  // namespace tuki::dialog
