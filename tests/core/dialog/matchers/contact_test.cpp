// The `contact` matcher (src/core/dialog/matchers/contact.cpp): the lexicons' contact phrases of
// every language, matched as a `phrase` list is; its argument and a missing list are refused.
#include <catch2/catch.hpp>

#include "tuki/core/dialog/lexicon.hpp"
#include "tuki/core/dialog/lexicon_sets.hpp"
#include "tuki/core/dialog/matcher.hpp"

using namespace tuki::dialog;

namespace {

std::shared_ptr<const lexicon_sets> sets_of(const std::vector<std::string>& files) {
  lexicon lex;
  std::vector<diagnostic> diags;
  for (const auto& f : files) load_lexicon_text(f, "lexicon.yaml", lex, diags);
  REQUIRE(diags.empty());
  return build_lexicon_sets(lex, true);
}

const lexicon_sets& sets() {
  static const auto s = sets_of({R"(language: fi
negations: [ei]
contact: {wanted: [soittakaa, "soita mulle"], declined: ["älä soita"], talk: ["haluan puhua"]}
crisis: {phrases: [itsemurh*]}
)",
                                 R"(language: sv
negations: [inte]
contact: {wanted: ["ring mig", "ringa mig"], declined: ["ring mig inte"]}
crisis: {phrases: ["vill dö"]}
)"});
  return *s;
}

tuki::core::result<std::unique_ptr<matcher>> make(const std::string& argument,
                                                  const lexicon_sets& s = sets()) {
  const std::vector<std::string> languages{"fi", "sv"};
  return (*matcher_registry::instance().find("contact"))(YAML::Load(argument),
                                                         matcher_build_context{s, languages});
}

// Whether `m` matches `text` from a Finnish student, in the exact or the tolerant pass.
bool hit(const matcher& m, const std::string& text, bool tolerant) {
  prepared_reply r;
  prepare_reply(text, sets(), "fi", r);
  return m.matches(r, tolerant);
}

}  // namespace

TEST_CASE("contact: wanted and declined read every language's phrases", "[dialog][matchers]") {
  auto wanted = make("wanted");
  auto declined = make("declined");
  REQUIRE(wanted.is_ok());
  REQUIRE(declined.is_ok());
  // A Finnish student's Swedish, at any position.
  CHECK(hit(**wanted, "kan nån ringa mig?", false));
  CHECK(hit(**wanted, "ok soittakaa", false));
  CHECK_FALSE(hit(**wanted, "ei kiitos", false));
  // A declined phrase holds a wanted one: a contact question tries declined first.
  CHECK(hit(**declined, "ring mig inte", false));
  CHECK(hit(**wanted, "ring mig inte", false));
  CHECK(hit(**declined, "älä soita mulle", false));
  CHECK_FALSE(hit(**declined, "soittakaa", false));
  // One typo in a word of 5+ letters, in the tolerant pass only.
  CHECK_FALSE(hit(**wanted, "soitakaa", false));
  CHECK(hit(**wanted, "soitakaa", true));
  CHECK((**wanted).describe() == "contact wanted");
  // Asking to talk is a list of its own: no request for a call.
  auto talk = make("talk");
  REQUIRE(talk.is_ok());
  CHECK(hit(**talk, "haluan puhua jonkun kanssa", false));
  CHECK_FALSE(hit(**wanted, "haluan puhua jonkun kanssa", false));
  CHECK_FALSE(hit(**talk, "soittakaa", false));
}

TEST_CASE("contact: an unknown list or a list no lexicon has is refused, saying why",
          "[dialog][matchers]") {
  auto unknown = make("wantd");
  REQUIRE_FALSE(unknown.is_ok());
  CHECK(unknown.error().message() ==
        "unknown contact list 'wantd' (did you mean 'wanted'?); expects wanted, declined or talk");
  auto list = make("[wanted]");
  REQUIRE_FALSE(list.is_ok());
  CHECK(list.error().message() == "expects wanted, declined or talk");
  auto bare = sets_of({"language: en\ncrisis: {phrases: [suicide]}\n"});
  auto missing = make("declined", *bare);
  REQUIRE_FALSE(missing.is_ok());
  CHECK(missing.error().message() ==
        "no lexicon lists contact.declined phrases (dialogs/lang/*.yaml)");
}
