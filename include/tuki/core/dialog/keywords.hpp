#pragma once
// Global keywords (STOP, START, HELP, PAUSE in every language). A keyword counts only when it is
// the whole message, give or take case, accents and punctuation, emoji, the keyword said twice
// and courtesy words (lexicons' `courtesy`): "STOP", "Lopeta!", "STOP STOP STOP", "stop pls 🛑",
// "lopeta jo" are keywords; "en halua lopettaa koulua" and "stop it with the maths" are not. No
// typo tolerance: opting a student out by a misread word would be worse than asking them to
// write it again.
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "tuki/core/dialog/lexicon.hpp"
#include "tuki/core/dialog/text_fold.hpp"

namespace tuki::dialog {

struct keyword_match {
  std::string keyword;   // "stop" | "start" | "help" | "pause"
  std::string language;  // the student's own if their lexicon has this keyword, else one that
                         // lists the word
};

class keyword_detector {
 public:
  keyword_detector() = default;
  /// Folds every keyword with accents stripped; `tokens` given to detect() must be too.
  explicit keyword_detector(const lexicon& lex);
  std::optional<keyword_match> detect(const std::vector<token>& tokens,
                                      const std::string& preferred_language) const;
  /// Longer messages are never keywords (repeats, emoji and courtesy words included).
  static constexpr std::size_t max_tokens = 8;

 private:
  std::unordered_map<std::string, std::vector<keyword_match>> by_message_;
  // token_hash of every courtesy word ("pls", "kiitos"), sorted.
  std::vector<std::size_t> courtesy_;
  // "language keyword" for every keyword a language has (any of its words).
  std::vector<std::string> has_keyword_;
  // token_hash of each keyword's first word, sorted: most replies start with no keyword's first
  // word and are answered without joining their tokens into a message.
  std::vector<std::size_t> first_words_;
};

}  // namespace tuki::dialog
