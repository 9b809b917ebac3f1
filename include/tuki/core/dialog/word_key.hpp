#pragma once
// A lookup key cut out of a token's text without copying it: text[0, cut) followed by
// text[cut + len, end). The tolerant matching passes look a token up under itself with one code
// point deleted (and under its first four or five code points, with one deleted); these keys
// say which bytes to use, with their hash, so no string is built per key. Pure; thread-safe.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace tuki::dialog {

/// The polynomial the hashes are built on: p(s + c) = p(s) * hash_base + c + 1 (mod 2^64).
inline constexpr std::uint64_t hash_base = 0x100000001b3ULL;
inline std::uint64_t hash_extend(std::uint64_t p, std::string_view bytes) {
  for (unsigned char c : bytes) p = p * hash_base + c + 1;
  return p;
}
/// Mixes a polynomial value into the hash: one multiply and a fold of the high half, so that
/// every input bit reaches the low bits that index tables.
inline std::size_t hash_finish(std::uint64_t p) {
  p *= 0x9E3779B97F4A7C15ULL;
  return static_cast<std::size_t>(p ^ (p >> 29) ^ (p >> 47));
}
/// The hash of the concatenation head + tail; equal to token_hash(head + tail) (text_fold.hpp).
inline std::size_t hash_pieces(std::string_view head, std::string_view tail) {
  return hash_finish(hash_extend(hash_extend(0, head), tail));
}

struct word_key {
  std::uint32_t end = 0;  // bytes of the text used
  std::uint32_t cut = 0;  // where the deleted bytes start
  std::uint32_t len = 0;  // how many bytes are deleted
  std::size_t hash = 0;   // hash_pieces(head, tail)
  std::string_view head(std::string_view text) const { return text.substr(0, cut); }
  std::string_view tail(std::string_view text) const {
    return text.substr(cut + len, end - cut - len);
  }
};

/// Appends the keys of text[0, end) with one code point deleted, for each code point in turn.
void append_deletion_keys(std::string_view text, std::size_t end, std::vector<word_key>& out);

}  // namespace tuki::dialog
