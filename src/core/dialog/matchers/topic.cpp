// `topic`: the reply names a topic of the lexicons (`topics:` in dialogs/lang/*.yaml):
// `{topic: life}`. Literal, NOT negation-aware: many problem expressions are negative by
// nature ("en jaksa", "en saa nukuttua", "can't sleep"), and missing those is worse than
// reading "no money problems" as a money topic.
#include "tuki/core/dialog/matcher.hpp"

namespace tuki::dialog {
namespace {

class topic_matcher final : public matcher {
 public:
  topic_matcher(std::string name, const phrase_set& words)
      : name_(std::move(name)), words_(words) {}
  bool matches(const prepared_reply& r, bool tolerant) const override {
    return words_.first(r.folded.tokens, tolerant).has_value();
  }
  std::string describe() const override { return "topic " + name_; }

 private:
  std::string name_;
  const phrase_set& words_;
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
  return std::unique_ptr<matcher>(std::make_unique<topic_matcher>(arg.Scalar(), it->second));
}

const matcher_registration registration{"topic", make};

}  // namespace
}  // namespace tuki::dialog
