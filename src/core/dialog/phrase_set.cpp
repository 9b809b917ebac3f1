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
    prefix_by_letter_.emplace_back(first.cps[0], index);
    if (first.cps.size() > 1 && first.cps[1] != first.cps[0])
      prefix_by_letter_.emplace_back(first.cps[1], index);
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
  if (!prefix_by_letter_.empty()) {
    char32_t lead[2] = {0, 0};
    std::size_t n = decode_utf8(t.text, lead, tolerant ? 2 : 1);
    for (const auto& [letter, k] : prefix_by_letter_)
      if (letter == lead[0] || (n > 1 && letter == lead[1])) visit(k);
  }
  // A token within one edit of a 5+ letter word has at least 4 letters (4+ bytes).
  if (tolerant && !t.emoji && t.text.size() >= 4 && !by_deletion_.empty()) {
    auto probe = [&](std::string_view key, std::size_t hash) {
      if (const auto* list = by_deletion_.find(key, hash))
        for (auto k : *list) visit(k);
    };
    probe(t.text, t.hash);
    if (!t.deletions_ready) {
      for_each_deletion(t.text, [&](const std::string& key) {
        t.deletions.emplace_back(key, token_hash(key));
      });
      t.deletions_ready = true;
    }
    for (const auto& [key, hash] : t.deletions) probe(key, hash);
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
