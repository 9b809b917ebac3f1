// `number`: the first number in the reply (digits, or a number word of any language: "kolme",
// "maybe 3", "4/5" -> 4) lies in one of the given values or ranges: `{number: 3}`,
// `{number: 4-5}`, `{number: [1, 3-4]}`. A number word counts only in a reply of at most three
// words, as its last word, or followed by a scale of the lexicons' `rating_scale` ("two out of
// five" is 2, not 5; first_number).
//
// `rating`: the same, for a question that asks for a rating ("1-5"), where a number in a
// sentence is often a count ("had 2 exams today, went well", "1 exam left then holidays"): a
// number counts only when the reply is (nearly) just the number, at most three words ("4",
// "ehkä 3", "2 :(", "4, ihan hyvin"), or it is clearly a rating: followed by another number
// ("2/5"), by its scale ("4 out of 5", "4 av 5", "4 viidestä"; not "failed 4 of 5 exams") or by
// punctuation ("2, not good at all"), or the reply's last word and only number ("i'd say 2",
// "its a 2").
#include <algorithm>
#include <charconv>
#include <limits>

#include "tuki/core/dialog/matcher.hpp"

namespace tuki::dialog {
namespace {

struct range {
  long lo, hi;
};

std::optional<range> parse_range(std::string s) {
  // Accept "4-5", "4–5" (en dash) and "4..5".
  for (const char* dash : {"\xE2\x80\x93", "..", "-"}) {
    if (auto p = s.find(dash); p != std::string::npos && p > 0) {
      auto a = parse_range(s.substr(0, p));
      auto b = parse_range(s.substr(p + std::string_view(dash).size()));
      if (!a || !b || a->lo != a->hi || b->lo != b->hi || a->lo > b->lo) return std::nullopt;
      return range{a->lo, b->lo};
    }
  }
  long v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return range{v, v};
}

class number_matcher final : public matcher {
 public:
  number_matcher(std::vector<range> ranges, std::string text, const lexicon_sets& sets, bool rating)
      : ranges_(std::move(ranges)), text_(std::move(text)), sets_(sets), rating_(rating) {}

  bool matches(const prepared_reply& r, bool tolerant) const override {
    constexpr int none = std::numeric_limits<int>::min();
    (void)tolerant;  // number words are matched exactly (first_number)
    // The memo of ratings is kept apart from that of numbers, under another key.
    const void* key = rating_ ? static_cast<const void*>(&rating_key) : &sets_.numbers;
    auto memo = r.recall(key, false);
    if (!memo) {
      auto found = first_number(r.folded.tokens);
      memo = found ? static_cast<int>(*found) : none;
      r.remember(key, false, *memo);
    }
    if (*memo == none) return false;
    std::optional<long> v = *memo;
    for (const auto& rg : ranges_)
      if (*v >= rg.lo && *v <= rg.hi) return true;
    return false;
  }
  std::string describe() const override { return (rating_ ? "rating " : "number ") + text_; }

 private:
  // A number word counts in a short reply ("kolme", "ehkä kolme", "maybe three") or as its last
  // word ("i would say four"); in a sentence it is a word ("no one contacted me", Swedish "det
  // är ett bra år", "tack för att du frågar" with Lithuanian "du" = 2). Digits count anywhere.
  // A number followed by its scale counts anywhere, as a rating too (scale_follows).
  std::optional<long> first_number(const std::vector<token>& toks) const {
    std::size_t words = 0, last_word = toks.size(), digit_tokens = 0;
    for (std::size_t i = 0; i < toks.size(); ++i)
      if (!toks[i].emoji) {
        ++words;
        last_word = i;
        digit_tokens += is_digits(toks[i].text);
      }
    for (std::size_t i = 0; i < toks.size(); ++i) {
      const std::string& t = toks[i].text;
      if (is_digits(t)) {
        if (!rating_ || words <= max_words_for_number_words || scale_follows(toks, i + 1))
          return std::stol(t);
        const bool next_is_number =
            i + 1 < toks.size() && is_digits(toks[i + 1].text) && !toks[i + 1].clause_start;
        const bool punctuation_after = i + 1 < toks.size() && toks[i + 1].clause_start;
        if (next_is_number || punctuation_after || (i == last_word && digit_tokens == 1))
          return std::stol(t);
        continue;
      }
      // Exact only: a number word is short and common, and a typo of one is another word
      // (Swedish "hemma", at home, is one letter from "femma", five).
      auto hit = sets_.numbers.match_at(toks, i, false);
      if (!hit) continue;
      if (words <= max_words_for_number_words || hit->end == last_word + 1 ||
          scale_follows(toks, hit->end))
        return hit->tag;
    }
    return std::nullopt;
  }
  // The lexicons' rating_scale ("out of 5", "av 5", "viidestä") starts at token `i` and ends the
  // reply, its clause, or comes before a contrast word: "i'd say 4 out of 5", "4/5, but math is
  // hard"; so it does after a rating_tail ("2 out of 5 this week"). Followed by anything else it
  // counts something: "i cry 4 out of 5 days", "failed 4 of 5 exams" are no ratings.
  bool scale_follows(const std::vector<token>& toks, std::size_t i) const {
    if (i >= toks.size() || toks[i].clause_start || sets_.rating_scale.empty()) return false;
    auto scale = sets_.rating_scale.match_at(toks, i, false);
    if (!scale) return false;
    if (ends_rating(toks, scale->end)) return true;
    if (sets_.rating_tail.empty() || toks[scale->end].clause_start) return false;
    auto tail = sets_.rating_tail.match_at(toks, scale->end, false);
    return tail && ends_rating(toks, tail->end);
  }
  // Token `end` ends a rating: the reply or its clause ends there, or a contrast word follows.
  bool ends_rating(const std::vector<token>& toks, std::size_t end) const {
    return end == toks.size() || toks[end].clause_start ||
           (!sets_.contrast.empty() && sets_.contrast.match_at(toks, end, false));
  }
  static bool is_digits(const std::string& t) {
    // A loop, not find_first_not_of: that searches the digit set once per character.
    return !t.empty() && t.size() <= 6 &&
           std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
  }
  static constexpr std::size_t max_words_for_number_words = 3;
  static constexpr char rating_key = 0;
  std::vector<range> ranges_;
  std::string text_;
  const lexicon_sets& sets_;
  bool rating_;
};

core::result<std::unique_ptr<matcher>> make(const YAML::Node& arg, const matcher_build_context& ctx,
                                            bool rating) {
  std::vector<range> ranges;
  std::string text;
  auto add = [&](const YAML::Node& n) -> bool {
    if (!n.IsScalar()) return false;
    auto r = parse_range(n.Scalar());
    if (!r) return false;
    ranges.push_back(*r);
    text += (text.empty() ? "" : ",") + n.Scalar();
    return true;
  };
  bool ok = true;
  if (arg.IsSequence()) {
    for (const auto& n : arg) ok = ok && add(n);
    ok = ok && !ranges.empty();
  } else {
    ok = add(arg);
  }
  if (!ok)
    return core::status::invalid_argument(
        "expects a whole number, a range such as 4-5, or a list of them");
  return std::unique_ptr<matcher>(
      std::make_unique<number_matcher>(std::move(ranges), std::move(text), ctx.sets, rating));
}

const matcher_registration registration{
    "number",
    [](const YAML::Node& arg, const matcher_build_context& ctx) { return make(arg, ctx, false); }};
const matcher_registration rating_registration{
    "rating",
    [](const YAML::Node& arg, const matcher_build_context& ctx) { return make(arg, ctx, true); }};

}  // namespace
}  // namespace tuki::dialog
