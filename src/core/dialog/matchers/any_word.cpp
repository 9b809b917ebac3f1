// `any_word`: the reply contains one of the listed words (a list, or a map language -> list;
// entries may end in `*`). Literal: negation does not matter. `{any_word: [maths, math*]}`.
#include "tuki/core/dialog/matcher.hpp"

namespace tuki::dialog {
namespace {

class any_word_matcher final : public matcher {
 public:
  any_word_matcher(phrase_set words, std::string text)
      : words_(std::move(words)), text_(std::move(text)) {}
  bool matches(const prepared_reply& r, bool tolerant) const override {
    return words_.first(r.folded.tokens, tolerant).has_value();
  }
  std::string describe() const override { return "any word of " + text_; }

 private:
  phrase_set words_;
  std::string text_;
};

core::result<std::unique_ptr<matcher>> make(const YAML::Node& arg,
                                            const matcher_build_context& ctx) {
  auto words = word_list_argument(arg);
  if (!words) return words.error();
  phrase_set set;
  std::string text;
  for (const auto& w : *words) {
    if (!set.add(w, 0, ctx.sets.strip_accents))
      return core::status::invalid_argument("'" + w + "' holds no word to match");
    text += (text.empty() ? "" : ", ") + w;
  }
  set.words()->seal();
  return std::unique_ptr<matcher>(std::make_unique<any_word_matcher>(std::move(set), text));
}

const matcher_registration registration{"any_word", make};

}  // namespace
}  // namespace tuki::dialog
