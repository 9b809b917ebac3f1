#include "tuki/core/dialog/vocabulary.hpp"

#include <algorithm>
#include <array>
#include <atomic>

namespace tuki::dialog {
namespace {

constexpr std::size_t max_word = 64;  // longer tokens are compared exactly only
constexpr std::size_t min_tolerant_length = 5;

std::size_t sequence_length(unsigned char c) {
  return c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
}

// Distinct for every vocabulary and every change of one, for the whole process: a token's cache
// must never be taken for another vocabulary's (one may be built where a freed one was).
std::uint64_t next_generation() {
  static std::atomic<std::uint64_t> counter{0};
  return ++counter;
}

// Calls f(s with one code point removed) for every code point of s. Reuses one buffer.
template <class F>
void for_each_deletion(std::string_view s, F&& f) {
  std::string key;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t len = std::min(sequence_length(static_cast<unsigned char>(s[i])), s.size() - i);
    key.assign(s.data(), i);
    key.append(s.data() + i + len, s.size() - i - len);
    f(key);
    i += len;
  }
}

// The first `count` code points of `s` (all of it when shorter).
std::string_view codepoint_prefix(std::string_view s, std::size_t count) {
  std::size_t i = 0;
  for (; i < s.size() && count > 0; --count)
    i += std::min(sequence_length(static_cast<unsigned char>(s[i])), s.size() - i);
  return s.substr(0, i);
}

// The keys of the tolerant prefix index for `text` (see vocabulary::prefix_by_deletion_). A
// token of fewer than four code points has none: a beginning of it within one edit of a 5+
// letter word would need four.
void prefix_keys(std::string_view text, std::vector<word_key>& out) {
  out.clear();
  std::string_view four = codepoint_prefix(text, 4);
  if (codepoint_count(four) < 4) return;
  word_key whole;
  whole.end = whole.cut = static_cast<std::uint32_t>(four.size());
  whole.hash = token_hash(four);
  out.push_back(whole);
  append_deletion_keys(text, four.size(), out);
  // The first five with one of the first four deleted (deleting the fifth gives `four`).
  std::string_view five = codepoint_prefix(text, 5);
  if (five.size() > four.size()) {
    append_deletion_keys(text, five.size(), out);
    out.pop_back();
  }
}

void add_sorted(std::vector<std::uint32_t>& ids, std::uint32_t id) {
  auto at = std::lower_bound(ids.begin(), ids.end(), id);
  if (at == ids.end() || *at != id) ids.insert(at, id);
}

}  // namespace

bool within_one_edit(std::u32string_view a, std::u32string_view b) {
  if (a.size() < b.size()) std::swap(a, b);
  if (a.size() - b.size() > 1) return false;
  std::size_t i = 0;
  while (i < b.size() && a[i] == b[i]) ++i;
  if (i == b.size()) return true;  // equal, or a has one extra letter at the end
  if (a.size() == b.size()) {
    if (a.substr(i + 1) == b.substr(i + 1)) return true;  // substitution
    return i + 1 < a.size() && a[i] == b[i + 1] && a[i + 1] == b[i] &&
           a.substr(i + 2) == b.substr(i + 2);  // transposition
  }
  return a.substr(i + 1) == b.substr(i);  // deletion from a
}

vocabulary::vocabulary() : generation_(next_generation()) {}

std::uint32_t vocabulary::add(std::string_view folded, bool prefix, bool emoji) {
  word_index& kind = prefix ? prefix_ : whole_;
  if (const auto* found = kind.find(folded, token_hash(folded))) return found->front();
  auto id = static_cast<std::uint32_t>(words_.size());
  word w;
  w.text = std::string(folded);
  std::array<char32_t, max_word> buf;
  w.cps.assign(buf.data(), decode_utf8(w.text, buf.data(), buf.size()));
  w.prefix = prefix;
  w.emoji = emoji;
  kind.add(w.text, id);
  if (w.cps.size() >= min_tolerant_length) {
    if (prefix) {
      std::string_view head = codepoint_prefix(w.text, 4);
      prefix_by_deletion_.add(head, id);
      for_each_deletion(head, [&](const std::string& key) { prefix_by_deletion_.add(key, id); });
    } else {
      by_deletion_.add(w.text, id);
      for_each_deletion(w.text, [&](const std::string& key) { by_deletion_.add(key, id); });
    }
  }
  if (prefix) longest_prefix_ = std::max(longest_prefix_, w.text.size());
  words_.push_back(std::move(w));
  changed();
  return id;
}

void vocabulary::note_start(std::uint32_t id, std::uint64_t bit) {
  if (words_[id].starts & bit) return;
  words_[id].starts |= bit;
  changed();
}

void vocabulary::changed() {
  if (sealed_) {
    sealed_ = false;
    sealed_index_ = word_index();
    texts_.clear();
  }
  generation_ = next_generation();
}

void vocabulary::seal() {
  if (sealed_) return;
  std::vector<word_key> keys;
  for (const auto& w : words_) {
    if (sealed_index_.find(w.text, token_hash(w.text))) continue;
    sealed_index_.add(w.text, static_cast<std::uint32_t>(texts_.size()));
    sealed_text t;
    t.emoji = w.emoji;
    match(w.text, w.emoji, keys, t.matches);
    texts_.push_back(std::move(t));
  }
  sealed_ = true;
  generation_ = next_generation();
}

const word_matches& vocabulary::resolve_anew(const token& t) const {
  t.resolved_in = generation_;
  t.shared_matches = nullptr;
  if (sealed_) {
    if (const auto* found = sealed_index_.find(t.text, t.hash)) {
      const sealed_text& s = texts_[found->front()];
      if (s.emoji == t.emoji) {
        t.shared_matches = &s.matches;
        return s.matches;
      }
    }
  }
  match(t.text, t.emoji, t.keys, t.own_matches);
  return t.own_matches;
}

void vocabulary::match(std::string_view text, bool emoji, std::vector<word_key>& keys,
                       word_matches& out) const {
  match_words(text, emoji, keys, out);
  if (out.word != no_word) out.exact_starts = words_[out.word].starts;
  for (auto id : out.prefixes) out.exact_starts |= words_[id].starts;
  out.tolerant_starts = out.exact_starts;
  for (const auto* ids : {&out.near_words, &out.near_prefixes})
    for (auto id : *ids) out.tolerant_starts |= words_[id].starts;
}

void vocabulary::match_words(std::string_view text, bool emoji, std::vector<word_key>& keys,
                             word_matches& out) const {
  out.clear();
  const std::size_t hash = token_hash(text);
  if (const auto* found = whole_.find(text, hash)) out.word = found->front();
  // Prefix words the text starts with: one lookup per code point boundary, up to the longest.
  if (longest_prefix_ > 0) {
    std::uint64_t p = 0;
    for (std::size_t i = 0; i < text.size() && i < longest_prefix_;) {
      std::size_t len =
          std::min(sequence_length(static_cast<unsigned char>(text[i])), text.size() - i);
      p = hash_extend(p, text.substr(i, len));
      i += len;
      if (const auto* found = prefix_.find(text.substr(0, i), {}, hash_finish(p)))
        add_sorted(out.prefixes, found->front());
    }
  }
  if (emoji) return;
  std::array<char32_t, max_word> buf;
  std::size_t n = 0;
  bool decoded = false;
  auto cps = [&] {
    if (!decoded) n = decode_utf8(text, buf.data(), buf.size());
    decoded = true;
    return std::u32string_view(buf.data(), n);
  };
  // A text within one edit of a 5+ letter word has at least 4 letters (4+ bytes).
  if (text.size() >= 4 && !by_deletion_.empty()) {
    auto consider = [&](const std::vector<std::uint32_t>* ids) {
      if (!ids) return;
      for (auto id : *ids)
        if (id != out.word && within_one_edit(cps(), words_[id].cps))
          add_sorted(out.near_words, id);
    };
    consider(by_deletion_.find(text, hash));
    keys.clear();
    append_deletion_keys(text, text.size(), keys);
    for (const auto& key : keys) consider(by_deletion_.find(text, key));
  }
  if (!prefix_by_deletion_.empty()) {
    prefix_keys(text, keys);
    for (const auto& key : keys) {
      const auto* ids = prefix_by_deletion_.find(text, key);
      if (!ids) continue;
      for (auto id : *ids) {
        if (std::binary_search(out.prefixes.begin(), out.prefixes.end(), id)) continue;
        // Some beginning of the text within one edit of the word.
        std::u32string_view tok = cps();
        std::u32string_view w = words_[id].cps;
        std::size_t len = w.size();
        for (std::size_t k = len - 1; k <= len + 1 && k <= tok.size(); ++k)
          if (within_one_edit(tok.substr(0, k), w)) {
            add_sorted(out.near_prefixes, id);
            break;
          }
      }
    }
  }
}

}  // namespace tuki::dialog
