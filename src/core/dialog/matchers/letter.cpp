// `letter`: the reply is just that letter, in any case, with punctuation around it
// ("b", "B", "B)", "(b)"): `{letter: b}`.
#include "tuki/core/dialog/matcher.hpp"

namespace tuki::dialog {
namespace {

class letter_matcher final : public matcher {
 public:
  explicit letter_matcher(std::string folded) : folded_(std::move(folded)) {}
  bool matches(const prepared_reply& r, bool) const override {
    return r.folded.tokens.size() == 1 && r.folded.tokens[0].text == folded_;
  }
  std::string describe() const override { return "letter " + folded_; }

 private:
  std::string folded_;
};

core::result<std::unique_ptr<matcher>> make(const YAML::Node& arg,
                                            const matcher_build_context& ctx) {
  if (arg.IsScalar()) {
    folded_text f = fold_and_tokenize(arg.Scalar(), ctx.sets.strip_accents);
    if (f.tokens.size() == 1 && codepoint_count(f.tokens[0].text) == 1 && !f.tokens[0].emoji)
      return std::unique_ptr<matcher>(std::make_unique<letter_matcher>(f.tokens[0].text));
  }
  return core::status::invalid_argument("expects a single letter such as b");
}

const matcher_registration registration{"letter", make};

}  // namespace
}  // namespace tuki::dialog
