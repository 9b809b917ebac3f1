// `yes_no`: the first yes/no answer word of any language in the reply is the given one
// (`{yes_no: yes}`): "kyl tarviin apua" -> yes, "ei kiitos" -> no, "no thanks" -> no. An
// "unsure" answer ("en tiedä", "not sure") is neither; an own-language answer word of another
// language counts only as the whole reply (a Finnish "no kyllä" is yes, "no" alone no).
#include "tuki/core/dialog/matcher.hpp"

namespace tuki::dialog {
namespace {

class yes_no_matcher final : public matcher {
 public:
  yes_no_matcher(int tag, const lexicon_sets& sets) : tag_(tag), sets_(sets) {}
  bool matches(const prepared_reply& r, bool tolerant) const override {
    auto memo = r.recall(&sets_.answers, tolerant);
    if (!memo) {
      memo = first_answer(r, tolerant);
      r.remember(&sets_.answers, tolerant, *memo);
    }
    return *memo == tag_;
  }
  std::string describe() const override { return tag_ ? "yes" : "no"; }

 private:
  // The first answer word that counts for the student: an own-language answer of another
  // language (English "no", Finnish "well"; Finnish "en", Swedish "a") only as the whole reply.
  // -1: none; 2: unsure.
  int first_answer(const prepared_reply& r, bool tolerant) const {
    const auto& toks = r.folded.tokens;
    for (std::size_t i = 0; i < toks.size(); ++i) {
      auto hit = sets_.answers.match_at(toks, i, tolerant);
      if (!hit) continue;
      const int languages = lexicon_sets::answer_languages(hit->tag);
      if (languages == 0 || (languages & r.language_bit) != 0 ||
          (hit->begin == 0 && hit->end == toks.size()))
        return lexicon_sets::answer_value(hit->tag);
      i = hit->end - 1;
    }
    return -1;
  }
  int tag_;
  const lexicon_sets& sets_;
};

core::result<std::unique_ptr<matcher>> make(const YAML::Node& arg,
                                            const matcher_build_context& ctx) {
  if (arg.IsScalar() && (arg.Scalar() == "yes" || arg.Scalar() == "no"))
    return std::unique_ptr<matcher>(
        std::make_unique<yes_no_matcher>(arg.Scalar() == "yes" ? 1 : 0, ctx.sets));
  return core::status::invalid_argument("expects yes or no");
}

const matcher_registration registration{"yes_no", make};

}  // namespace
}  // namespace tuki::dialog
