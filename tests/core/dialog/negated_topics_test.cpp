// Negation and topics, and the words of a reply (reply.hpp): a topic word right after a
// negation is cancelled unless it is a lack word; a problem word the negation denies cancels its
// scope, which ends at punctuation and at a contrast word; courtesy words and emoji are not words
// of the reply.
#include <catch2/catch.hpp>

#include "tuki/core/dialog/lexicon.hpp"
#include "tuki/core/dialog/lexicon_sets.hpp"
#include "tuki/core/dialog/reply.hpp"

using namespace tuki::dialog;

namespace {

const lexicon_sets& sets() {
  static const auto s = [] {
    lexicon lex;
    std::vector<diagnostic> diags;
    load_lexicon_text(R"(language: fi
negations: [ei, "ei oo"]
lack_words: [rahaa]
problem_words: [ongelm*]
contrast: [mutta]
courtesy: [kiitos]
topics: {life: [raha*], wellbeing: [stressaa*]}
crisis: {phrases: [itsemurh*]}
)",
                      "fi.yaml", lex, diags);
    REQUIRE(diags.empty());
    return build_lexicon_sets(lex, true);
  }();
  return *s;
}

std::vector<bool> cancelled(const std::string& text) {
  prepared_reply r;
  prepare_reply(text, sets(), "fi", r);
  return r.topic_cancelled;
}

}  // namespace

TEST_CASE("a topic word right after a negation is cancelled, a lack word is not",
          "[dialog][negation]") {
  CHECK(cancelled("ei stressaa") == std::vector<bool>{false, true});
  CHECK(cancelled("ei oo rahaongelmia") == std::vector<bool>{false, false, true});
  CHECK(cancelled("mul ei oo rahaa") == std::vector<bool>{false, false, false, false});
  // Only the word right after it: in "ei mee stressaa" the stress is still named.
  CHECK(cancelled("ei mee stressaa") == std::vector<bool>{false, true, false});
  // A problem word in the scope: the negation and its whole scope.
  CHECK(cancelled("ei rahaa ongelmia") == std::vector<bool>{true, true, true});
  // Punctuation ends the scope.
  CHECK(cancelled("ei, stressaa") == std::vector<bool>{false, false});
}

TEST_CASE("a contrast word ends a negation's scope", "[dialog][negation]") {
  // "no problems but money": the money is not denied.
  CHECK(cancelled("ei ongelmia mutta rahaa") == std::vector<bool>{true, true, false, false});
  prepared_reply r;
  prepare_reply("ei stressaa mutta stressaa", sets(), "fi", r);
  CHECK(r.negated == std::vector<bool>{false, true, false, false});
}

TEST_CASE("a problem word past the second word of the scope denies nothing", "[dialog][negation]") {
  // "i dont understand math problems": maths is still named (a ticket, not a denial).
  const auto maths = cancelled("en ymmärrä matikan ongelmia");
  REQUIRE(maths.size() == 4);
  CHECK_FALSE(maths[2]);
  // "no big money problems" is read the same way, in the safe direction: the money counts.
  CHECK(cancelled("ei oo isoja raha ongelmia") ==
        std::vector<bool>{false, false, true, false, false});
  CHECK(cancelled("ei rahaa ja ongelmia") == std::vector<bool>{false, false, false, false});
}

TEST_CASE("courtesy words and emoji are not words of a reply", "[dialog][negation]") {
  prepared_reply r;
  prepare_reply("ok kiitos 👍", sets(), "fi", r);
  CHECK(r.content_words == 1);
  prepare_reply("ne man blogai", sets(), "lt", r);
  CHECK(r.content_words == 3);
}

TEST_CASE("a courtesy word counts as one by itself only", "[dialog][negation]") {
  prepared_reply r;
  prepare_reply("ok kiitos, kiitoksia", sets(), "fi", r);
  CHECK_FALSE(sets().courtesy_at(r.folded.tokens, 0));
  CHECK(sets().courtesy_at(r.folded.tokens, 1));
  CHECK_FALSE(sets().courtesy_at(r.folded.tokens, 2));  // no typo, no prefix
}
