// `phrase`: the reply contains one of the phrases as consecutive words, tried at every
// position, so repeated words do not hide a match ("not not happy" contains "not happy"):
// `{phrase: "need help"}`, `{phrase: {en: ["need help"], fi: ["tarvitsen apua"]}}`.
#include "tuki/core/dialog/matcher.hpp"

namespace tuki::dialog {
namespace {

class phrase_matcher final : public matcher {
 public:
  phrase_matcher(phrase_set phrases, std::string text)
      : phrases_(std::move(phrases)), text_(std::move(text)) {}
  bool matches(const prepared_reply& r, bool tolerant) const override {
    return phrases_.first(r.folded.tokens, tolerant).has_value();
  }
  std::string describe() const override { return "phrase " + text_; }

 private:
  phrase_set phrases_;
  std::string text_;
};

core::result<std::unique_ptr<matcher>> make(const YAML::Node& arg,
                                            const matcher_build_context& ctx) {
  auto phrases = word_list_argument(arg);
  if (!phrases) return phrases.error();
  phrase_set set;
  std::string text;
  for (const auto& p : *phrases) {
    if (!set.add(p, 0, ctx.sets.strip_accents))
      return core::status::invalid_argument("'" + p + "' holds no word to match");
    text += (text.empty() ? "\"" : ", \"") + p + "\"";
  }
  set.words()->seal();
  return std::unique_ptr<matcher>(std::make_unique<phrase_matcher>(std::move(set), text));
}

const matcher_registration registration{"phrase", make};

}  // namespace
}  // namespace tuki::dialog
