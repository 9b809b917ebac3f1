// `number`: the first number in the reply (digits, or a number word of any language: "kolme",
// "maybe 3", "4/5" -> 4) lies in one of the given values or ranges: `{number: 3}`,
// `{number: 4-5}`, `{number: [1, 3-4]}`. A number word counts only in a reply of at most three
// words or as its last word (first_number).
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
  number_matcher(std::vector<range> ranges, std::string text, const lexicon_sets& sets)
      : ranges_(std::move(ranges)), text_(std::move(text)), sets_(sets) {}

  bool matches(const prepared_reply& r, bool tolerant) const override {
    constexpr int none = std::numeric_limits<int>::min();
    (void)tolerant;  // number words are matched exactly (first_number)
    auto memo = r.recall(&sets_.numbers, false);
    if (!memo) {
      auto found = first_number(r.folded.tokens);
      memo = found ? static_cast<int>(*found) : none;
      r.remember(&sets_.numbers, false, *memo);
    }
    if (*memo == none) return false;
    std::optional<long> v = *memo;
    for (const auto& rg : ranges_)
      if (*v >= rg.lo && *v <= rg.hi) return true;
    return false;
  }
  std::string describe() const override { return "number " + text_; }

 private:
  // A number word counts in a short reply ("kolme", "ehkä kolme", "maybe three") or as its last
  // word ("i would say four"); in a sentence it is a word ("no one contacted me", Swedish "det
  // är ett bra år", "tack för att du frågar" with Lithuanian "du" = 2). Digits count anywhere.
  std::optional<long> first_number(const std::vector<token>& toks) const {
    std::size_t words = 0, last_word = toks.size();
    for (std::size_t i = 0; i < toks.size(); ++i)
      if (!toks[i].emoji) {
        ++words;
        last_word = i;
      }
    for (std::size_t i = 0; i < toks.size(); ++i) {
      const std::string& t = toks[i].text;
      if (!t.empty() && t.size() <= 6 && t.find_first_not_of("0123456789") == std::string::npos)
        return std::stol(t);
      if (words > max_words_for_number_words && i != last_word) continue;
      // Exact only: a number word is short and common, and a typo of one is another word
      // (Swedish "hemma", at home, is one letter from "femma", five).
      if (auto hit = sets_.numbers.match_at(toks, i, false))
        if (words <= max_words_for_number_words || hit->end == last_word + 1) return hit->tag;
    }
    return std::nullopt;
  }
  static constexpr std::size_t max_words_for_number_words = 3;
  std::vector<range> ranges_;
  std::string text_;
  const lexicon_sets& sets_;
};

core::result<std::unique_ptr<matcher>> make(const YAML::Node& arg,
                                            const matcher_build_context& ctx) {
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
      std::make_unique<number_matcher>(std::move(ranges), std::move(text), ctx.sets));
}

const matcher_registration registration{"number", make};

}  // namespace
}  // namespace tuki::dialog
