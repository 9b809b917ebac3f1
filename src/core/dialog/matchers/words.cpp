// `words`: how many words the whole reply has, not counting emoji and courtesy words ("thanks",
// "kiitos"; the lexicons' `courtesy`): `{words: 1-2}`, `{words: "3-"}` (three or more). Always
// the whole reply, also in a case's `unless` after a "but", so that `unless: [{words: "3-"}]`
// keeps a case to short replies ("ok thanks", "ihan ok") and away from "ok but no one cares".
#include <charconv>
#include <limits>

#include "tuki/core/dialog/matcher.hpp"

namespace tuki::dialog {
namespace {

class words_matcher final : public matcher {
 public:
  words_matcher(std::size_t lo, std::size_t hi, std::string text)
      : lo_(lo), hi_(hi), text_(std::move(text)) {}
  bool matches(const prepared_reply& r, bool) const override {
    return r.content_words >= lo_ && r.content_words <= hi_;
  }
  std::string describe() const override { return "words " + text_; }

 private:
  std::size_t lo_, hi_;
  std::string text_;
};

std::optional<std::size_t> whole(std::string_view s) {
  std::size_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

core::result<std::unique_ptr<matcher>> make(const YAML::Node& arg, const matcher_build_context&) {
  if (arg.IsScalar()) {
    const std::string& s = arg.Scalar();
    const auto dash = s.find('-');
    std::optional<std::size_t> lo = whole(std::string_view(s).substr(0, dash)), hi = lo;
    if (dash != std::string::npos)
      hi = dash + 1 == s.size()
               ? std::optional<std::size_t>(std::numeric_limits<std::size_t>::max())
               : whole(std::string_view(s).substr(dash + 1));
    if (lo && hi && *lo <= *hi)
      return std::unique_ptr<matcher>(std::make_unique<words_matcher>(*lo, *hi, s));
  }
  return core::status::invalid_argument(
      "expects a number of words, a range such as 1-2, or an open range such as 3-");
}

const matcher_registration registration{"words", make};

}  // namespace
}  // namespace tuki::dialog
