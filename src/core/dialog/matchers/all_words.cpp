// `all_words`: the reply contains every listed word, in any order: `{all_words: [help, maths]}`.
#include "tuki/core/dialog/matcher.hpp"

namespace tuki::dialog {
namespace {

class all_words_matcher final : public matcher {
 public:
  all_words_matcher(std::vector<phrase_set> words, std::string text)
      : words_(std::move(words)), text_(std::move(text)) {}
  bool matches(const prepared_reply& r, bool tolerant) const override {
    for (const auto& w : words_)
      if (!w.first(r.folded.tokens, tolerant)) return false;
    return true;
  }
  std::string describe() const override { return "all words of " + text_; }

 private:
  std::vector<phrase_set> words_;
  std::string text_;
};

core::result<std::unique_ptr<matcher>> make(const YAML::Node& arg,
                                            const matcher_build_context& ctx) {
  if (arg.IsMap())
    return core::status::invalid_argument("expects a list of words, not a map");
  auto words = word_list_argument(arg);
  if (!words) return words.error();
  std::vector<phrase_set> sets;
  std::string text;
  auto vocab = std::make_shared<vocabulary>();  // one for all: a token is looked up once
  for (const auto& w : *words) {
    phrase_set s(vocab);
    if (!s.add(w, 0, ctx.sets.strip_accents))
      return core::status::invalid_argument("'" + w + "' holds no word to match");
    sets.push_back(std::move(s));
    text += (text.empty() ? "" : ", ") + w;
  }
  vocab->seal();
  return std::unique_ptr<matcher>(std::make_unique<all_words_matcher>(std::move(sets), text));
}

const matcher_registration registration{"all_words", make};

}  // namespace
}  // namespace tuki::dialog
