// `sentiment`: the reply's overall sentiment (see classify_sentiment in reply.hpp: lexicon
// sentiment words and the common emoji classes, negation-aware) is the given class:
// `{sentiment: positive}`, `neutral`, `negative`.
#include "tuki/core/dialog/matcher.hpp"

namespace tuki::dialog {
namespace {

class sentiment_matcher final : public matcher {
 public:
  sentiment_matcher(int polarity, std::string name, const lexicon_sets& sets)
      : polarity_(polarity), name_(std::move(name)), sets_(sets) {}
  bool matches(const prepared_reply& r, bool tolerant) const override {
    auto s = classify_sentiment(sets_, r, tolerant);
    return s && *s == polarity_;
  }
  std::string describe() const override { return name_; }

 private:
  int polarity_;
  std::string name_;
  const lexicon_sets& sets_;
};

core::result<std::unique_ptr<matcher>> make(const YAML::Node& arg,
                                            const matcher_build_context& ctx) {
  if (arg.IsScalar()) {
    const std::string& s = arg.Scalar();
    int p = s == "positive" ? 1 : s == "neutral" ? 0 : s == "negative" ? -1 : 2;
    if (p != 2)
      return std::unique_ptr<matcher>(std::make_unique<sentiment_matcher>(p, s, ctx.sets));
  }
  return core::status::invalid_argument("expects positive, neutral or negative");
}

const matcher_registration registration{"sentiment", make};

}  // namespace
}  // namespace tuki::dialog
