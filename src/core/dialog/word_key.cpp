#include "tuki/core/dialog/word_key.hpp"

#include <algorithm>

namespace tuki::dialog {

void append_deletion_keys(std::string_view text, std::size_t end, std::vector<word_key>& out) {
  text = text.substr(0, end);
  // Prefix values and powers make each key's polynomial O(1): deleting [i, i + len) from s of
  // n bytes leaves p(s[0, i)) * B^(n-i-len) + p(s) - p(s[0, i + len)) * B^(n-i-len).
  constexpr std::size_t cap = 64;
  std::uint64_t prefix[cap + 1], power[cap + 1];
  const std::size_t n = text.size();
  const bool fast = n <= cap;
  if (fast) {
    prefix[0] = 0;
    power[0] = 1;
    for (std::size_t j = 0; j < n; ++j) {
      prefix[j + 1] = prefix[j] * hash_base + static_cast<unsigned char>(text[j]) + 1;
      power[j + 1] = power[j] * hash_base;
    }
  }
  for (std::size_t i = 0; i < n;) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
    len = std::min(len, n - i);
    word_key k;
    k.end = static_cast<std::uint32_t>(n);
    k.cut = static_cast<std::uint32_t>(i);
    k.len = static_cast<std::uint32_t>(len);
    if (fast) {
      std::uint64_t shift = power[n - i - len];
      k.hash = hash_finish(prefix[i] * shift + prefix[n] - prefix[i + len] * shift);
    } else {
      k.hash = hash_pieces(k.head(text), k.tail(text));
    }
    out.push_back(k);
    i += len;
  }
}

}  // namespace tuki::dialog
