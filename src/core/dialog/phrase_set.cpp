#include "tuki/core/dialog/phrase_set.hpp"

#include <algorithm>
#include <array>

namespace tuki::dialog {
namespace {

constexpr std::size_t max_word = 64;  // longer tokens are compared exactly only
constexpr std::size_t min_tolerant_length = 5;

bool starts_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.compare(0, p.size(), p) == 0;
}

std::size_t sequence_length(unsigned char c) {
  return c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
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

using lead_list = std::vector<std::pair<std::uint64_t, std::uint32_t>>;

// The key of a word's (or token's) first two code points; 0 stands for "no second" (a folded
// token never holds U+0000).
std::uint64_t lead_key(char32_t first, char32_t second) {
  return std::uint64_t{first} << 32 | second;
}

// Keeps `list` sorted by (key, index); indices arrive in increasing order.
void insert_sorted(lead_list& list, std::uint64_t key, std::uint32_t index) {
  auto at = std::upper_bound(list.begin(), list.end(), key,
                             [](std::uint64_t k, const auto& e) { return k < e.first; });
  list.insert(at, {key, index});
}

template <class F>
void for_each_with_lead(const lead_list& list, std::uint64_t key, F&& f) {
  auto it = std::lower_bound(list.begin(), list.end(), key,
                             [](const auto& e, std::uint64_t k) { return e.first < k; });
  for (; it != list.end() && it->first == key; ++it) f(it->second);
}

// The first `count` code points of `s` (all of it when shorter).
std::string_view codepoint_prefix(std::string_view s, std::size_t count) {
  std::size_t i = 0;
  for (; i < s.size() && count > 0; --count)
    i += std::min(sequence_length(static_cast<unsigned char>(s[i])), s.size() - i);
  return s.substr(0, i);
}

// See phrase_set::prefix_by_deletion_. A token of fewer than four code points has no key: a
// beginning of it within one edit of a 5+ letter word would need four.
void fill_prefix_keys(const token& t) {
  t.prefix_keys.clear();
  std::string_view four = codepoint_prefix(t.text, 4);
  if (codepoint_count(four) < 4) return;
  word_key whole;
  whole.end = whole.cut = static_cast<std::uint32_t>(four.size());
  whole.hash = token_hash(four);
  t.prefix_keys.push_back(whole);
  append_deletion_keys(t.text, four.size(), t.prefix_keys);
  // The first five with one of the first four deleted (deleting the fifth gives `four`).
  std::string_view five = codepoint_prefix(t.text, 5);
  if (five.size() > four.size()) {
    append_deletion_keys(t.text, five.size(), t.prefix_keys);
    t.prefix_keys.pop_back();
  }
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

bool phrase_set::add(std::string_view entry, int tag, bool strip_accents) {
  pattern p;
  p.tag = tag;
  bool first_is_emoji = false;
  std::size_t start = 0;
  std::vector<token> toks;
  while (start <= entry.size()) {
    std::size_t space = entry.find(' ', start);
    if (space == std::string_view::npos) space = entry.size();
    std::string_view part = entry.substr(start, space - start);
    start = space + 1;
    bool prefix = !part.empty() && part.back() == '*';
    if (prefix) part.remove_suffix(1);
    tokenize(fold_text(part, strip_accents), toks);
    for (std::size_t k = 0; k < toks.size(); ++k) {
      word w;
      w.text = toks[k].text;
      if (p.words.empty()) first_is_emoji = toks[k].emoji;
      w.prefix = prefix && k + 1 == toks.size();
      std::array<char32_t, max_word> buf;
      w.cps.assign(buf.data(), decode_utf8(w.text, buf.data(), buf.size()));
      p.words.push_back(std::move(w));
    }
  }
  if (p.words.empty()) return false;
  auto index = static_cast<std::uint32_t>(patterns_.size());
  const word& first = p.words.front();
  (first_is_emoji ? has_emoji_ : has_words_) = true;
  if (first.prefix) {
    insert_sorted(prefix_by_lead_,
                  lead_key(first.cps[0], first.cps.size() > 1 ? first.cps[1] : 0), index);
    if (first.cps.size() >= min_tolerant_length) {
      std::string_view head = codepoint_prefix(first.text, 4);
      prefix_by_deletion_.add(head, index);
      for_each_deletion(head, [&](const std::string& key) { prefix_by_deletion_.add(key, index); });
    }
  } else {
    by_first_word_.add(first.text, index);
    if (first.cps.size() >= min_tolerant_length) {
      by_deletion_.add(first.text, index);
      for_each_deletion(first.text, [&](const std::string& key) { by_deletion_.add(key, index); });
    }
  }
  patterns_.push_back(std::move(p));
  return true;
}

bool phrase_set::word_matches(const word& w, const token& t, bool tolerant) const {
  if (w.prefix ? starts_with(t.text, w.text) : t.text == w.text) return true;
  if (!tolerant || t.emoji || w.cps.size() < min_tolerant_length) return false;
  std::array<char32_t, max_word> buf;
  std::size_t n = decode_utf8(t.text, buf.data(), buf.size());
  std::u32string_view tok(buf.data(), n);
  if (!w.prefix) return within_one_edit(tok, w.cps);
  // A prefix matches when some beginning of the token is within one edit of it.
  std::size_t len = w.cps.size();
  for (std::size_t k = len - 1; k <= len + 1 && k <= n; ++k)
    if (within_one_edit(tok.substr(0, k), w.cps)) return true;
  return false;
}

bool phrase_set::pattern_matches(const pattern& p, const std::vector<token>& tokens,
                                 std::size_t i, bool tolerant) const {
  if (i + p.words.size() > tokens.size()) return false;
  for (std::size_t k = 0; k < p.words.size(); ++k)
    if (!word_matches(p.words[k], tokens[i + k], tolerant)) return false;
  return true;
}

template <class F>
void phrase_set::visit_candidates(const std::vector<token>& tokens, std::size_t i, bool tolerant,
                                  F&& visit) const {
  const token& t = tokens[i];
  if (t.emoji ? !has_emoji_ : !has_words_) return;
  if (const auto* list = by_first_word_.find(t.text, t.hash))
    for (auto k : *list) visit(k);
  if (!prefix_by_lead_.empty()) {
    // Candidates visited in pattern order, each once (ties between equally long hits go to
    // the earlier pattern, as with a plain scan).
    std::array<std::uint32_t, 48> found;
    std::size_t n = 0;
    bool overflow = false;
    auto note = [&](std::uint32_t k) {
      if (n < found.size()) found[n++] = k;
      else overflow = true;
    };
    // An exact match starts with the word: the token's first letter, and its second unless
    // the word has one letter only.
    char32_t lead[2] = {0, 0};
    decode_utf8(t.text, lead, 2);
    if (lead[1] != 0) for_each_with_lead(prefix_by_lead_, lead_key(lead[0], lead[1]), note);
    for_each_with_lead(prefix_by_lead_, lead_key(lead[0], 0), note);
    if (tolerant && !t.emoji && !prefix_by_deletion_.empty()) {
      if (!t.prefix_keys_ready) {
        fill_prefix_keys(t);
        t.prefix_keys_ready = true;
      }
      for (const auto& key : t.prefix_keys)
        if (const auto* list = prefix_by_deletion_.find(t.text, key))
          for (auto k : *list) note(k);
    }
    if (overflow) {  // more candidates than room: every prefix pattern, in order
      for (std::uint32_t k = 0; k < patterns_.size(); ++k)
        if (patterns_[k].words.front().prefix) visit(k);
    } else {
      std::sort(found.begin(), found.begin() + static_cast<std::ptrdiff_t>(n));
      for (std::size_t j = 0; j < n; ++j)
        if (j == 0 || found[j] != found[j - 1]) visit(found[j]);
    }
  }
  // A token within one edit of a 5+ letter word has at least 4 letters (4+ bytes).
  if (tolerant && !t.emoji && t.text.size() >= 4 && !by_deletion_.empty()) {
    if (const auto* list = by_deletion_.find(t.text, t.hash))
      for (auto k : *list) visit(k);
    if (!t.deletions_ready) {
      append_deletion_keys(t.text, t.text.size(), t.deletions);
      t.deletions_ready = true;
    }
    for (const auto& key : t.deletions)
      if (const auto* list = by_deletion_.find(t.text, key))
        for (auto k : *list) visit(k);
  }
}

std::optional<phrase_hit> phrase_set::match_at(const std::vector<token>& tokens, std::size_t i,
                                               bool tolerant) const {
  std::optional<phrase_hit> best;
  visit_candidates(tokens, i, tolerant, [&](std::uint32_t index) {
    const pattern& p = patterns_[index];
    if (best && p.words.size() <= best->end - best->begin) return;
    if (pattern_matches(p, tokens, i, tolerant))
      best = phrase_hit{static_cast<std::uint32_t>(i),
                        static_cast<std::uint32_t>(i + p.words.size()), p.tag};
  });
  return best;
}

std::uint64_t phrase_set::tags_present(const std::vector<token>& tokens, bool tolerant) const {
  std::uint64_t tags = 0;
  for (std::size_t i = 0; i < tokens.size(); ++i)
    visit_candidates(tokens, i, tolerant, [&](std::uint32_t index) {
      const pattern& p = patterns_[index];
      if (p.tag >= 0 && p.tag < 64 && !(tags >> p.tag & 1) &&
          pattern_matches(p, tokens, i, tolerant))
        tags |= std::uint64_t{1} << p.tag;
    });
  return tags;
}

std::optional<phrase_hit> phrase_set::first(const std::vector<token>& tokens,
                                            bool tolerant) const {
  for (std::size_t i = 0; i < tokens.size(); ++i)
    if (auto hit = match_at(tokens, i, tolerant)) return hit;
  return std::nullopt;
}

std::optional<int> phrase_set::whole(const std::vector<token>& tokens) const {
  if (tokens.empty()) return std::nullopt;
  auto hit = match_at(tokens, 0, false);
  if (hit && hit->end == tokens.size()) return hit->tag;
  return std::nullopt;
}

}  // namespace tuki::dialog
