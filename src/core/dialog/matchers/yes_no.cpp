// `yes_no`: the first yes/no answer word of any language in the reply is the given one
// (`{yes_no: yes}`): "kyl tarviin apua" -> yes, "ei kiitos" -> no, "no thanks" -> no.
#include "tuki/core/dialog/matcher.hpp"

namespace tuki::dialog {
namespace {

class yes_no_matcher final : public matcher {
 public:
  yes_no_matcher(int tag, const lexicon_sets& sets) : tag_(tag), sets_(sets) {}
  bool matches(const prepared_reply& r, bool tolerant) const override {
    auto memo = r.recall(&sets_.answers, tolerant);
    if (!memo) {
      auto hit = sets_.answers.first(r.folded.tokens, tolerant);
      memo = hit ? hit->tag : -1;
      r.remember(&sets_.answers, tolerant, *memo);
    }
    return *memo == tag_;
  }
  std::string describe() const override { return tag_ ? "yes" : "no"; }

 private:
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
