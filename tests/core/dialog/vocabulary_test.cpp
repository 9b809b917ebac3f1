// The vocabulary behind phrase sets: equal words share an id, a token is resolved to the ids it
// matches (exactly, and with one typo in words of 5+ letters), sealed and unsealed vocabularies
// resolve alike, and a token's cached resolution never outlives a change of the vocabulary.
#include <catch2/catch.hpp>

#include "tuki/core/dialog/phrase_set.hpp"
#include "tuki/core/dialog/vocabulary.hpp"

using namespace tuki::dialog;

namespace {

token tok(std::string_view text) {
  auto toks = fold_and_tokenize(text, true).tokens;
  REQUIRE(toks.size() == 1);
  return toks.front();
}

bool same(const word_matches& a, const word_matches& b) {
  return a.word == b.word && a.prefixes == b.prefixes && a.near_words == b.near_words &&
         a.near_prefixes == b.near_prefixes;
}

}  // namespace

TEST_CASE("vocabulary: equal words get equal ids, prefix and whole words differ",
          "[dialog][vocabulary]") {
  vocabulary v;
  auto hyvin = v.add("hyvin", false, false);
  auto huono = v.add("huono", false, false);
  auto hyv_prefix = v.add("hyv", true, false);
  auto hyvin_prefix = v.add("hyvin", true, false);
  CHECK(v.add("hyvin", false, false) == hyvin);
  CHECK(v.add("hyv", true, false) == hyv_prefix);
  CHECK(hyvin != huono);
  CHECK(hyvin_prefix != hyvin);
  CHECK(v.size() == 4);
  CHECK(v.text(hyvin) == "hyvin");
  CHECK(v.is_prefix(hyv_prefix));
  CHECK_FALSE(v.is_prefix(hyvin));

  for (bool sealed : {false, true}) {
    if (sealed) v.seal();
    INFO("sealed=" << sealed);
    token t = tok("Hyvin");
    const word_matches& m = v.resolve(t);
    CHECK(m.word == hyvin);
    CHECK(m.exact(hyvin));
    CHECK(m.exact(hyv_prefix));     // "hyvin" starts with "hyv"
    CHECK(m.exact(hyvin_prefix));   // and with "hyvin"
    CHECK_FALSE(m.exact(huono));
    CHECK_FALSE(m.tolerant(huono));  // two edits away
    // Equal tokens resolve to the same ids.
    token again = tok("HYVIN!");
    CHECK(same(v.resolve(again), m));
  }
}

TEST_CASE("vocabulary: unknown tokens match no word", "[dialog][vocabulary]") {
  vocabulary v;
  std::vector<std::uint32_t> ids = {v.add("hyvin", false, false), v.add("matikka", false, false),
                                    v.add("itsemurh", true, false), v.add("ok", false, false)};
  v.seal();
  for (const char* text : {"zebra", "o", "okay", "hy", "matematiikka", "itse"}) {
    token t = tok(text);
    const word_matches& m = v.resolve(t);
    INFO(text);
    CHECK(m.word == no_word);
    for (auto id : ids) {
      CAPTURE(v.text(id));
      CHECK_FALSE(m.exact(id));
      CHECK_FALSE(m.tolerant(id));
    }
  }
}

TEST_CASE("vocabulary: one typo in words of 5+ letters, exact only below",
          "[dialog][vocabulary]") {
  vocabulary v;
  auto hyvin = v.add("hyvin", false, false);
  auto huono = v.add("huono", false, false);
  auto huono_prefix = v.add("huono", true, false);
  auto ok = v.add("okei", false, false);  // four letters: never typo-tolerant
  auto thumbs = v.add("👍", false, true);
  struct row {
    const char* text;
    std::uint32_t id;
    bool exact, tolerant;
  };
  const row rows[] = {
      {"hyvin", hyvin, true, true},          {"hyvn", hyvin, false, true},  // deletion
      {"hyvinn", hyvin, false, true},        {"hyivn", hyvin, false, true},  // transposition
      {"hyven", hyvin, false, true},         {"hyven", huono, false, false},
      {"huonosti", huono_prefix, true, true}, {"huonsoti", huono_prefix, false, true},
      {"huonsoti", huono, false, false},     {"okej", ok, false, false},
      {"okei", ok, true, true},              {"👍", thumbs, true, true},
      {"👎", thumbs, false, false},
  };
  for (bool sealed : {false, true}) {
    if (sealed) v.seal();
    for (const auto& r : rows) {
      token t = tok(r.text);
      const word_matches& m = v.resolve(t);
      INFO("sealed=" << sealed << " token " << r.text << " word " << v.text(r.id));
      CHECK(m.exact(r.id) == r.exact);
      CHECK(m.tolerant(r.id) == r.tolerant);
    }
  }
}

TEST_CASE("vocabulary: sealed and unsealed resolve alike", "[dialog][vocabulary]") {
  // A vocabulary filled through phrase sets (as the library fills it), probed with its own words
  // and typo variants of them.
  auto words = std::make_shared<vocabulary>();
  phrase_set a(words), b(words);
  for (const char* e : {"hyvin", "ei hyvin", "huono*", "itsemurh*", "matikka", "en jaksa", "👍",
                        "bra", "inte bra", "hästi", "väsynyt", "stressaa*"})
    REQUIRE(a.add(e, 1, true));
  for (const char* e : {"hyvä*", "rahat loppu", "labi", "gerai", "mitte hästi"})
    REQUIRE(b.add(e, 2, true));
  std::vector<std::string> probes;
  for (std::uint32_t id = 0; id < words->size(); ++id) {
    std::string w(words->text(id));
    probes.push_back(w);
    probes.push_back(w + "a");
    if (w.size() > 2) probes.push_back(w.substr(0, w.size() - 1));
    if (w.size() > 3) probes.push_back(w.substr(0, 1) + w.substr(2));
  }
  std::vector<token> unsealed_tokens;
  for (const auto& p : probes) {
    auto toks = fold_and_tokenize(p, true).tokens;
    unsealed_tokens.insert(unsealed_tokens.end(), toks.begin(), toks.end());
  }
  std::vector<word_matches> before;
  for (const auto& t : unsealed_tokens) before.push_back(words->resolve(t));
  words->seal();
  REQUIRE(words->sealed());
  for (std::size_t i = 0; i < unsealed_tokens.size(); ++i) {
    INFO(unsealed_tokens[i].text);
    CHECK(same(words->resolve(unsealed_tokens[i]), before[i]));
  }
}

TEST_CASE("vocabulary: a token's resolution is redone after the vocabulary changes",
          "[dialog][vocabulary]") {
  auto words = std::make_shared<vocabulary>();
  phrase_set set(words);
  REQUIRE(set.add("hyvin", 1, true));
  words->seal();
  auto toks = fold_and_tokenize("ihan kivaa", true).tokens;
  CHECK_FALSE(set.first(toks, true));
  // Adding undoes the seal; the tokens' cached matches must not be used for the new words.
  REQUIRE(set.add("kivaa", 2, true));
  CHECK_FALSE(words->sealed());
  auto hit = set.first(toks, false);
  REQUIRE(hit);
  CHECK(hit->tag == 2);
  CHECK(hit->begin == 1);
  words->seal();
  CHECK(set.first(toks, false));
  // Two vocabularies never share a token's cache, even when one is built where another was.
  for (int round = 0; round < 3; ++round) {
    phrase_set other;  // a vocabulary of its own
    REQUIRE(other.add(round % 2 ? "ihan" : "jotain", 0, true));
    CAPTURE(round);
    CHECK(other.first(toks, false).has_value() == (round % 2 == 1));
  }
}

TEST_CASE("vocabulary: phrase sets sharing one match as sets of their own would",
          "[dialog][vocabulary]") {
  auto words = std::make_shared<vocabulary>();
  phrase_set shared_a(words), shared_b(words), own_a, own_b;
  for (auto* s : {&shared_a, &own_a})
    for (const char* e : {"hyvin", "ihan ok", "väsy*"}) REQUIRE(s->add(e, 1, true));
  for (auto* s : {&shared_b, &own_b})
    for (const char* e : {"ei hyvin", "huonosti", "väsynyt"}) REQUIRE(s->add(e, -1, true));
  words->seal();
  for (const char* reply : {"ei hyvin", "ihan ok", "huonsoti", "vasynyt", "väsyttää", "hyvn",
                            "ei ihan ok", "nothing here"}) {
    auto toks = fold_and_tokenize(reply, true).tokens;
    for (bool tolerant : {false, true}) {
      INFO(reply << " tolerant=" << tolerant);
      auto sa = shared_a.first(toks, tolerant), oa = own_a.first(toks, tolerant);
      auto sb = shared_b.first(toks, tolerant), ob = own_b.first(toks, tolerant);
      REQUIRE(sa.has_value() == oa.has_value());
      REQUIRE(sb.has_value() == ob.has_value());
      if (sa) CHECK((sa->begin == oa->begin && sa->end == oa->end && sa->tag == oa->tag));
      if (sb) CHECK((sb->begin == ob->begin && sb->end == ob->end && sb->tag == ob->tag));
    }
  }
}
