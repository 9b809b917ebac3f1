// `regex`: an ECMAScript regular expression searched in the folded reply (lower case; accents
// stripped when the dialog folds accents), compiled once at load: `{regex: "^[0-9]{6}$"}`.
#include <regex>

#include "tuki/core/dialog/matcher.hpp"

namespace tuki::dialog {
namespace {

class regex_matcher final : public matcher {
 public:
  regex_matcher(std::regex re, std::string source)
      : re_(std::move(re)), source_(std::move(source)) {}
  bool matches(const prepared_reply& r, bool) const override {
    return std::regex_search(r.folded.text, re_);
  }
  std::string describe() const override { return "regex /" + source_ + "/"; }

 private:
  std::regex re_;
  std::string source_;
};

core::result<std::unique_ptr<matcher>> make(const YAML::Node& arg, const matcher_build_context&) {
  if (!arg.IsScalar()) return core::status::invalid_argument("expects a pattern string");
  try {
    std::regex re(arg.Scalar(), std::regex::ECMAScript | std::regex::icase);
    return std::unique_ptr<matcher>(std::make_unique<regex_matcher>(std::move(re), arg.Scalar()));
  } catch (const std::regex_error& e) {
    return core::status::invalid_argument("bad regex '" + arg.Scalar() + "': " + e.what());
  }
}

const matcher_registration registration{"regex", make};

}  // namespace
}  // namespace tuki::dialog
