// `emoji`: the reply holds an emoji of a class of dialogs/lang/common.yaml: `{emoji: positive}`.
#include "tuki/core/dialog/matcher.hpp"

namespace tuki::dialog {
namespace {

class emoji_matcher final : public matcher {
 public:
  emoji_matcher(std::string name, const phrase_set& set) : name_(std::move(name)), set_(set) {}
  bool matches(const prepared_reply& r, bool) const override {
    if (auto memo = r.recall(&set_, false)) return *memo != 0;
    bool found = false;
    for (std::size_t i = 0; i < r.folded.tokens.size() && !found; ++i)
      found = r.folded.tokens[i].emoji && set_.match_at(r.folded.tokens, i, false);
    r.remember(&set_, false, found ? 1 : 0);
    return found;
  }
  std::string describe() const override { return "emoji " + name_; }

 private:
  std::string name_;
  const phrase_set& set_;
};

core::result<std::unique_ptr<matcher>> make(const YAML::Node& arg,
                                            const matcher_build_context& ctx) {
  if (!arg.IsScalar()) return core::status::invalid_argument("expects a class name");
  auto it = ctx.sets.emoji.find(arg.Scalar());
  if (it == ctx.sets.emoji.end()) {
    std::string known;
    for (const auto& [name, set] : ctx.sets.emoji) known += (known.empty() ? "" : ", ") + name;
    return core::status::invalid_argument("unknown emoji class '" + arg.Scalar() +
                                          "' (common.yaml defines: " + known + ")");
  }
  return std::unique_ptr<matcher>(std::make_unique<emoji_matcher>(arg.Scalar(), it->second));
}

const matcher_registration registration{"emoji", make};

}  // namespace
}  // namespace tuki::dialog
