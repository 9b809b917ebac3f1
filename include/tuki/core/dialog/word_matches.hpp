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
  }

 private:
  static bool holds(const std::vector<std::uint32_t>& ids, std::uint32_t id) {
    for (auto i : ids)
      if (i == id) return true;
    return false;
  }
};

}  // namespace tuki::dialog
