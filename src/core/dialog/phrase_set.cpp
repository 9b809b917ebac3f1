#include "tuki/core/dialog/phrase_set.hpp"

#include <algorithm>
#include <array>

namespace tuki::dialog {
namespace {

// Collects pattern indices into a fixed buffer, spilling into a vector only when it is full
// (more candidates at one token than the lexicons ever give).
class candidates {
 public:
  void add(std::uint32_t k) {
    if (n_ < fixed_.size()) fixed_[n_++] = k;
    else spill_.push_back(k);
  }
  // Calls visit(k) for each candidate once, in increasing order.
  template <class F>
  void visit_sorted(F&& visit) {
    std::uint32_t* begin = fixed_.data();
    std::uint32_t* end = begin + n_;
    if (!spill_.empty()) {
      spill_.insert(spill_.end(), begin, end);
      begin = spill_.data();
      end = begin + spill_.size();
    }
    std::sort(begin, end);
    for (auto* p = begin; p != end; ++p)
      if (p == begin || *p != p[-1]) visit(*p);
  }

 private:
  std::array<std::uint32_t, 48> fixed_;
  std::size_t n_ = 0;
  std::vector<std::uint32_t> spill_;
};

}  // namespace

phrase_set::phrase_set() : phrase_set(std::make_shared<vocabulary>()) {}

phrase_set::phrase_set(std::shared_ptr<vocabulary> words)
    : words_(std::move(words)), bit_(words_->set_bit()) {}

bool phrase_set::add(std::string_view entry, int tag, bool strip_accents) {
  pattern p;
  p.tag = tag;
  bool first_is_emoji = false, first_is_prefix = false;
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
      bool word_prefix = prefix && k + 1 == toks.size();
      if (p.words.empty()) {
        first_is_emoji = toks[k].emoji;
        first_is_prefix = word_prefix;
      }
      p.words.push_back(words_->add(toks[k].text, word_prefix, toks[k].emoji));
    }
  }
  if (p.words.empty()) return false;
  auto index = static_cast<std::uint32_t>(patterns_.size());
  (first_is_emoji ? has_emoji_ : has_words_) = true;
  has_prefixes_ = has_prefixes_ || first_is_prefix;
  std::uint32_t first = p.words.front();
  words_->note_start(first, bit_);
  // Indices arrive in increasing order, so (first, index) stays sorted.
  auto at = std::upper_bound(by_first_word_.begin(), by_first_word_.end(),
                             std::pair{first, index});
  by_first_word_.insert(at, {first, index});
  if (first / 64 >= first_words_.size()) first_words_.resize(first / 64 + 1, 0);
  first_words_[first / 64] |= std::uint64_t{1} << (first % 64);
  patterns_.push_back(std::move(p));
  return true;
}

template <class F>
void phrase_set::for_each_starting_with(std::uint32_t word, F&& f) const {
  if (word / 64 >= first_words_.size() || !(first_words_[word / 64] >> (word % 64) & 1)) return;
  auto it = std::lower_bound(by_first_word_.begin(), by_first_word_.end(),
                             std::pair{word, std::uint32_t{0}});
  for (; it != by_first_word_.end() && it->first == word; ++it) f(it->second);
}

bool phrase_set::pattern_matches(const pattern& p, const std::vector<token>& tokens,
                                 std::size_t i, bool tolerant) const {
  if (i + p.words.size() > tokens.size()) return false;
  for (std::size_t k = 0; k < p.words.size(); ++k) {
    const word_matches& m = words_->resolve(tokens[i + k]);
    if (m.exact(p.words[k])) continue;
    // A typo, but never of a word that is itself a word of some lexicon: Finnish "halua" (want)
    // is not a typo of Swedish "hälsa" (health), as in crisis matching (guarded_word).
    if (!tolerant || !m.tolerant(p.words[k]) || m.word != no_word) return false;
  }
  return true;
}

template <class F>
void phrase_set::visit_candidates(const std::vector<token>& tokens, std::size_t i, bool tolerant,
                                  F&& visit) const {
  const word_matches& m = words_->resolve(tokens[i]);
  // The token itself first, then prefix words, then typos; within each, in pattern order.
  if (m.word != no_word) for_each_starting_with(m.word, visit);
  if (has_prefixes_ && !(m.prefixes.empty() && (!tolerant || m.near_prefixes.empty()))) {
    candidates found;
    auto note = [&](std::uint32_t k) { found.add(k); };
    for (auto w : m.prefixes) for_each_starting_with(w, note);
    if (tolerant)
      for (auto w : m.near_prefixes) for_each_starting_with(w, note);
    found.visit_sorted(visit);
  }
  if (tolerant && !m.near_words.empty()) {
    candidates found;
    auto note = [&](std::uint32_t k) { found.add(k); };
    for (auto w : m.near_words) for_each_starting_with(w, note);
    found.visit_sorted(visit);
  }
}

std::optional<phrase_hit> phrase_set::longest_at(const std::vector<token>& tokens, std::size_t i,
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

bool phrase_set::guarded_word(const pattern& p, std::size_t k, const token& t) const {
  const std::uint32_t id = p.words[k];
  const word_matches& m = words_->resolve(t);
  if (m.exact(id)) return true;
  if (!m.tolerant(id)) return false;
  if (m.word != no_word) return false;  // a word of some lexicon is read as itself
  if (p.words.size() > 1) return true;  // the other words keep a phrase's typo in context
  return words_->text(id).size() >= 7;
}

std::size_t phrase_set::guarded_end(const pattern& p, std::size_t k,
                                    const std::vector<token>& tokens, std::size_t i,
                                    const guarded_match& rules) const {
  // Each word left takes a token of its own: a pattern longer than the reply's rest cannot end.
  if (tokens.size() - i < p.words.size() - k || !guarded_word(p, k, tokens[i])) return 0;
  if (k + 1 == p.words.size()) return i + 1;
  // The next word right after this one, or after up to max_gap other tokens.
  for (std::size_t j = i + 1; j < tokens.size() && j <= i + 1 + rules.max_gap; ++j)
    if (auto end = guarded_end(p, k + 1, tokens, j, rules)) return end;
  return 0;
}

std::optional<phrase_hit> phrase_set::longest_at(const std::vector<token>& tokens, std::size_t i,
                                                 const guarded_match& rules) const {
  std::optional<phrase_hit> best;
  visit_candidates(tokens, i, true, [&](std::uint32_t index) {
    const pattern& p = patterns_[index];
    if (best && p.words.size() <= best->end - best->begin) return;
    if (auto end = guarded_end(p, 0, tokens, i, rules))
      best = phrase_hit{static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(end), p.tag};
  });
  return best;
}

std::uint64_t phrase_set::tags_present(const std::vector<token>& tokens, bool tolerant,
                                       const std::vector<bool>* skip) const {
  std::uint64_t tags = 0;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if ((skip && i < skip->size() && (*skip)[i]) || !may_start_at(tokens[i], tolerant)) continue;
    visit_candidates(tokens, i, tolerant, [&](std::uint32_t index) {
      const pattern& p = patterns_[index];
      if (p.tag >= 0 && p.tag < 64 && !(tags >> p.tag & 1) &&
          pattern_matches(p, tokens, i, tolerant))
        tags |= std::uint64_t{1} << p.tag;
    });
  }
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
