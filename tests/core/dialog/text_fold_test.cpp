#include "tuki/core/dialog/text_fold.hpp"

#include <catch2/catch.hpp>

#include "tuki/core/dialog/phrase_set.hpp"

using namespace tuki::dialog;

namespace {
std::vector<std::string> words(std::string_view s, bool strip = true) {
  std::vector<std::string> out;
  for (const auto& t : fold_and_tokenize(s, strip).tokens) out.push_back(t.text);
  return out;
}
}  // namespace

TEST_CASE("folding: case, NFKC, accents as a setting", "[dialog][fold]") {
  CHECK(fold_text("HYVÄÄ", false) == "hyvää");
  CHECK(fold_text("HYVÄÄ", true) == "hyvaa");
  CHECK(fold_text("Ｈｅｌｌｏ", false) == "hello");          // full-width (NFKC)
  CHECK(fold_text("ĀBOLS Ķēde", true) == "abols kede");     // Latvian
  CHECK(fold_text("STRASSE", false) == "strasse");
  CHECK(fold_text("bad\xFFutf8", true).find("bad") == 0);   // invalid UTF-8 survives
}

TEST_CASE("tokenising keeps words, numbers and emoji", "[dialog][fold]") {
  CHECK(words("Hyvin, kiitos! 👍") == std::vector<std::string>{"hyvin", "kiitos", "👍"});
  CHECK(words("4/5") == std::vector<std::string>{"4", "5"});
  CHECK(words("B)") == std::vector<std::string>{"b"});
  CHECK(words("don't know") == std::vector<std::string>{"don't", "know"});
  CHECK(words("don’t") == std::vector<std::string>{"don't"});
  CHECK(words("👍🏽👍") == std::vector<std::string>{"👍", "👍"});  // skin tone dropped
  CHECK(words("❤️") == words("❤"));                              // VS16 dropped
  CHECK(words("opinto-ohjaaja") == std::vector<std::string>{"opinto", "ohjaaja"});
  auto t = fold_and_tokenize("ok. not good", true).tokens;
  REQUIRE(t.size() == 3);
  CHECK(t[1].clause_start);
  CHECK_FALSE(t[2].clause_start);
}

TEST_CASE("one edit: insertion, deletion, substitution, transposition", "[dialog][fold]") {
  CHECK(within_one_edit(U"hyvin", U"hyvin"));
  CHECK(within_one_edit(U"hyvin", U"hyvn"));
  CHECK(within_one_edit(U"hyvin", U"hyviin"));
  CHECK(within_one_edit(U"hyvin", U"hyvon"));
  CHECK(within_one_edit(U"hyvin", U"hyivn"));
  CHECK_FALSE(within_one_edit(U"hyvin", U"hivn"));
  CHECK_FALSE(within_one_edit(U"hyvin", U"hyvinkää"));
}

TEST_CASE("phrase sets: phrases at every position, prefixes, typo tolerance", "[dialog][fold]") {
  phrase_set s;
  REQUIRE(s.add("not happy", 1, true));
  REQUIRE(s.add("itsemurh*", 2, true));
  REQUIRE(s.add("terrible", 3, true));
  REQUIRE(s.add("ok", 4, true));
  REQUIRE_FALSE(s.add("!!", 5, true));
  auto toks = [](std::string_view x) { return fold_and_tokenize(x, true).tokens; };
  auto hit = s.first(toks("not not happy"), false);
  REQUIRE(hit);
  CHECK(hit->tag == 1);
  CHECK(hit->begin == 1);
  CHECK(s.first(toks("mietin itsemurhaa"), false)->tag == 2);
  CHECK_FALSE(s.first(toks("terible"), false));
  CHECK(s.first(toks("terible"), true)->tag == 3);     // 8 letters: one typo allowed
  CHECK(s.first(toks("itsmurhaa"), true)->tag == 2);   // typo in a prefix
  CHECK_FALSE(s.first(toks("ko"), true));              // short words need exact spelling
  CHECK(s.whole(toks("OK!")) == 4);
  CHECK_FALSE(s.whole(toks("ok thanks")));
}

TEST_CASE("the Latin fast path folds exactly like utf8proc", "[dialog][fold]") {
  // Mixing in a code point outside the fast path (U+0301, a combining accent) forces utf8proc;
  // the folded letters must be identical either way.
  for (bool strip : {false, true}) {
    for (std::string s : {"ÅÄÖ åäö ÕÜ õü", "ĀČĒĢĪĶĻŅŠŪŽ āčēģīķļņšūž", "ĄĘĖĮŲ ąęėįų", "Ǆ ǅ ŉ ß ẞ",
                          "ÆØ æø Ÿ ÿ", "👍🏽 ❤️"}) {
      INFO(s << " strip=" << strip);
      std::string fast = fold_text(s, strip);
      std::string slow = fold_text(s + "e\xCC\x81", strip);
      std::string tail = fold_text("e\xCC\x81", strip);
      REQUIRE(slow.size() >= tail.size());
      CHECK(fast == slow.substr(0, slow.size() - tail.size()));
    }
  }
}
