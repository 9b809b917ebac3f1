// `contact`: the reply holds a phrase of the lexicons' `contact` lists (dialogs/lang/*.yaml):
// `{contact: wanted}` ("call me", "soittakaa", "kan nån ringa mig"), `{contact: declined}`
// ("dont call", "älä soita", "ring mig inte"), `{contact: talk}` ("i need help", "haluan puhua":
// asking for help or to talk, a yes to an offer of contact). Matched as a `phrase` list is: consecutive words
// at any position, one typo in the tolerant pass, negation not applied (a declined phrase holds
// its negation, so a contact question tries `declined` first).
#include <algorithm>

#include "tuki/core/dialog/matcher.hpp"
#include "tuki/core/dialog/yaml_reader.hpp"

namespace tuki::dialog {
namespace {

class contact_matcher final : public matcher {
 public:
  contact_matcher(std::string name, const phrase_set& phrases)
      : name_(std::move(name)), phrases_(phrases) {}
  bool matches(const prepared_reply& r, bool tolerant) const override {
    return phrases_.first(r.folded.tokens, tolerant).has_value();
  }
  std::string describe() const override { return "contact " + name_; }

 private:
  std::string name_;
  const phrase_set& phrases_;  // lexicon_sets::contact, which outlives the matcher
};

core::result<std::unique_ptr<matcher>> make(const YAML::Node& arg,
                                            const matcher_build_context& ctx) {
  const auto& classes = contact_classes();
  if (!arg.IsScalar()) return core::status::invalid_argument("expects wanted, declined or talk");
  if (std::find(classes.begin(), classes.end(), arg.Scalar()) == classes.end()) {
    std::string msg = "unknown contact list '" + arg.Scalar() + "'";
    if (auto near = nearest(arg.Scalar(), classes); !near.empty())
      msg += " (did you mean '" + near + "'?)";
    return core::status::invalid_argument(msg + "; expects wanted, declined or talk");
  }
  const phrase_set& phrases = ctx.sets.contact.at(arg.Scalar());
  // Without phrases the case could never match: say so rather than load a dead case.
  if (phrases.empty())
    return core::status::invalid_argument("no lexicon lists contact." + arg.Scalar() +
                                          " phrases (dialogs/lang/*.yaml)");
  return std::unique_ptr<matcher>(std::make_unique<contact_matcher>(arg.Scalar(), phrases));
}

const matcher_registration registration{"contact", make};

}  // namespace
}  // namespace tuki::dialog
