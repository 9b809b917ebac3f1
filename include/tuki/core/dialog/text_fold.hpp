#pragma once
// Text folding for matching: what a student types and what an operator lists are both folded the
// same way (NFKC, Unicode case folding, default-ignorable code points such as U+FE0F and ZWJ
// dropped, optionally accents stripped), then split into tokens. Pure; thread-safe.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tuki/core/dialog/word_key.hpp"
#include "tuki/core/dialog/word_matches.hpp"

namespace tuki::dialog {

/// One word (a run of letters, marks and digits; an apostrophe between letters stays inside:
/// "don't") or one emoji (a symbol code point; skin-tone modifiers are dropped so "👍🏽" == "👍").
struct token {
  std::string text;           // folded UTF-8
  bool emoji = false;
  bool clause_start = false;  // preceded by . , ; : ! ? or a line break: negation stops here
  std::size_t hash = 0;       // token_hash of text, so that every word set looks it up unhashed
  /// Filled by vocabulary::resolve on first use (hence mutable; a token is used by one thread):
  /// the vocabulary generation the matches belong to (0: none yet), the matches themselves when
  /// the vocabulary holds them precomputed (else own_matches), and scratch keys for the lookup.
  mutable std::uint64_t resolved_in = 0;
  mutable const word_matches* shared_matches = nullptr;
  mutable word_matches own_matches;
  mutable std::vector<word_key> keys;
};

/// The hash tokens carry: hash_pieces(text, "") (word_key.hpp).
std::size_t token_hash(std::string_view text);

/// Folds `utf8` (untrusted: invalid sequences become U+FFFD). ASCII input takes a fast path.
std::string fold_text(std::string_view utf8, bool strip_accents);
/// The same into `out`, reusing its capacity.
void fold_text(std::string_view utf8, bool strip_accents, std::string& out);

/// Appends the tokens of already folded text to `out` (which is cleared first). Tokens already
/// in `out` are reused with their buffers; with `spare`, tokens `out` no longer needs are moved
/// there and taken back later, so that a caller tokenising reply after reply stops allocating.
void tokenize(std::string_view folded, std::vector<token>& out,
              std::vector<token>* spare = nullptr);

/// fold_text + tokenize in one go.
struct folded_text {
  std::string text;
  std::vector<token> tokens;
};
folded_text fold_and_tokenize(std::string_view utf8, bool strip_accents);

/// Number of code points in valid UTF-8 (continuation bytes are not counted).
std::size_t codepoint_count(std::string_view utf8);

/// Decodes valid UTF-8 into `out` (at most `cap` code points); returns how many were written.
std::size_t decode_utf8(std::string_view utf8, char32_t* out, std::size_t cap);

/// At most `max_bytes` of `utf8`, cut at a code point boundary.
std::string_view utf8_prefix(std::string_view utf8, std::size_t max_bytes);

}  // namespace tuki::dialog
