// `topic`: the reply names a topic of the lexicons (`topics:` in dialogs/lang/*.yaml):
// `{topic: life}`. A topic word directly denied by a negation does not count ("not tired", "ei
// oo kipee", "no money problems"; prepared_reply::topic_cancelled), but only then: many problem
// expressions are negative by nature ("en jaksa", "i dont understand math", "ei oo rahaa" with
// the lack word "rahaa"), and missing those is worse than a false ticket.
#include <algorithm>

#include "tuki/core/dialog/matcher.hpp"

namespace tuki::dialog {
namespace {

// All topics are found in one scan of lexicon_sets::all_topics per step and pass, memoised in
// the reply; each topic matcher then reads its bit.
class topic_matcher final : public matcher {
 public:
  topic_matcher(std::string name, int bit, const phrase_set& all)
      : name_(std::move(name)), bit_(bit), all_(all) {}
  bool matches(const prepared_reply& r, bool tolerant) const override {
    auto memo = r.recall(&all_, tolerant);
    if (!memo) {
      // The memo holds an int: 32 topics are plenty (the lexicons define three).
      memo = static_cast<int>(all_.tags_present(r.folded.tokens, tolerant, &r.topic_cancelled) &
                              0x7FFFFFFFu);
      r.remember(&all_, tolerant, *memo);
    }
    return (*memo >> bit_) & 1;
  }
  std::string describe() const override { return "topic " + name_; }

 private:
  std::string name_;
  int bit_;
  const phrase_set& all_;
};

core::result<std::unique_ptr<matcher>> make(const YAML::Node& arg,
                                            const matcher_build_context& ctx) {
  if (!arg.IsScalar()) return core::status::invalid_argument("expects a topic name");
  auto it = ctx.sets.topics.find(arg.Scalar());
  if (it == ctx.sets.topics.end()) {
    std::string known;
    for (const auto& [name, set] : ctx.sets.topics) known += (known.empty() ? "" : ", ") + name;
    return core::status::invalid_argument("unknown topic '" + arg.Scalar() +
                                          "' (the lexicons define: " + known + ")");
  }
  auto pos = std::find(ctx.sets.topic_names.begin(), ctx.sets.topic_names.end(), arg.Scalar());
  int bit = static_cast<int>(pos - ctx.sets.topic_names.begin());
  if (pos == ctx.sets.topic_names.end() || bit >= 31)
    return core::status::invalid_argument("topic '" + arg.Scalar() + "': too many topics");
  return std::unique_ptr<matcher>(
      std::make_unique<topic_matcher>(arg.Scalar(), bit, ctx.sets.all_topics));
}

const matcher_registration registration{"topic", make};

}  // namespace
}  // namespace tuki::dialog
