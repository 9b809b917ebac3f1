// phrase_set's load-time indexes (first word, first two letters of prefixes, deletion keys) must
// find exactly what a plain scan of every pattern finds: the shipped lexicons' phrases against
// the table replies, and against typo variants of them and of every prefix word.
#include <algorithm>
#include <filesystem>
#include <set>

#include <catch2/catch.hpp>
#include <utf8proc.h>
#include <yaml-cpp/yaml.h>

#include "tuki/core/dialog/phrase_set.hpp"

namespace fs = std::filesystem;
using namespace tuki::dialog;

namespace {

struct ref_word {
  std::u32string cps;
  std::string text;
  bool prefix = false;
};
struct ref_pattern {
  std::vector<ref_word> words;
  int tag = 0;
};

std::u32string decode(std::string_view s) {
  std::u32string out(s.size(), U'\0');
  out.resize(decode_utf8(s, out.data(), out.size()));
  return out;
}

std::string encode(const std::u32string& cps) {
  std::string out;
  for (char32_t c : cps) {
    utf8proc_uint8_t buf[4];
    auto n = utf8proc_encode_char(static_cast<utf8proc_int32_t>(c), buf);
    out.append(reinterpret_cast<char*>(buf), static_cast<std::size_t>(n));
  }
  return out;
}

// Parses an entry the way phrase_set::add documents it; empty when it holds no word.
ref_pattern parse(std::string_view entry, int tag) {
  ref_pattern p;
  p.tag = tag;
  std::size_t start = 0;
  while (start <= entry.size()) {
    std::size_t space = std::min(entry.find(' ', start), entry.size());
    std::string_view part = entry.substr(start, space - start);
    start = space + 1;
    bool prefix = !part.empty() && part.back() == '*';
    if (prefix) part.remove_suffix(1);
    auto toks = fold_and_tokenize(part, true).tokens;
    for (std::size_t k = 0; k < toks.size(); ++k)
      p.words.push_back({decode(toks[k].text), toks[k].text, prefix && k + 1 == toks.size()});
  }
  return p;
}

// `is_word`: the token is itself a (whole, not prefix) word of some pattern, and so never a typo.
bool ref_word_matches(const ref_word& w, const token& t, bool tolerant, bool is_word) {
  if (w.prefix ? t.text.compare(0, w.text.size(), w.text) == 0 && t.text.size() >= w.text.size()
               : t.text == w.text)
    return true;
  if (!tolerant || t.emoji || w.cps.size() < 5 || is_word) return false;
  std::u32string tok = decode(t.text);
  if (!w.prefix) return within_one_edit(tok, w.cps);
  for (std::size_t k = w.cps.size() - 1; k <= w.cps.size() + 1 && k <= tok.size(); ++k)
    if (within_one_edit(std::u32string_view(tok).substr(0, k), w.cps)) return true;
  return false;
}

// The longest hit at i (end), with the tags of every pattern that long matching there. Which of
// equally long patterns wins is phrase_set's own order; the table tests pin it where it matters.
struct ref_hit {
  std::uint32_t end = 0;
  std::vector<int> tags;
};
std::optional<ref_hit> ref_match_at(const std::vector<ref_pattern>& patterns,
                                    const std::set<std::string>& whole_words,
                                    const std::vector<token>& toks, std::size_t i, bool tolerant) {
  std::optional<ref_hit> best;
  auto is_word = [&](const token& t) { return whole_words.count(t.text) > 0; };
  for (const auto& p : patterns) {
    if (i + p.words.size() > toks.size()) continue;
    auto end = static_cast<std::uint32_t>(i + p.words.size());
    if (best && end < best->end) continue;
    bool all = true;
    for (std::size_t k = 0; k < p.words.size() && all; ++k)
      all = ref_word_matches(p.words[k], toks[i + k], tolerant, tolerant && is_word(toks[i + k]));
    if (!all) continue;
    if (!best || end > best->end) best = ref_hit{end, {}};
    best->tags.push_back(p.tag);
  }
  return best;
}

std::vector<std::string> lexicon_entries() {
  std::vector<std::string> out;
  auto add_list = [&](const YAML::Node& n) {
    if (n && n.IsSequence())
      for (const auto& w : n) out.push_back(w.as<std::string>());
  };
  for (const auto& e : fs::directory_iterator(fs::path(TUKI_SOURCE_DIR) / "dialogs/lang")) {
    if (e.path().extension() != ".yaml") continue;
    YAML::Node doc = YAML::LoadFile(e.path().string());
    if (doc["topics"])
      for (const auto& t : doc["topics"]) add_list(t.second);
    if (doc["sentiment"])
      for (const auto& t : doc["sentiment"]) add_list(t.second);
    if (doc["crisis"]) add_list(doc["crisis"]["phrases"]);
  }
  return out;
}

std::vector<std::string> probe_texts(const std::vector<ref_pattern>& patterns) {
  std::vector<std::string> out;
  for (const char* area : {"matchers", "crisis"})
    for (const auto& e : fs::directory_iterator(fs::path(TUKI_SOURCE_DIR) / "tests/data" / area)) {
      if (e.path().extension() != ".yaml") continue;
      for (const auto& c : YAML::LoadFile(e.path().string())["cases"])
        for (const char* field : {"reply", "message"})
          if (c[field]) out.push_back(fold_text(c[field].as<std::string>(), true));
    }
  for (const auto& p : patterns)
    if (p.words.front().prefix) out.push_back(p.words.front().text + "aa");
  // One edit in the middle of each text: deletion, transposition, substitution, insertion.
  std::size_t n = out.size();
  for (std::size_t i = 0; i < n; ++i) {
    std::u32string cps = decode(out[i]);
    if (cps.size() < 3) continue;
    for (std::size_t p : {std::size_t{1}, cps.size() / 2}) {
      std::u32string d = cps, s = cps, x = cps, a = cps;
      d.erase(p, 1);
      std::swap(s[p], s[p + 1 < s.size() ? p + 1 : p - 1]);
      x[p] = U'x';
      a.insert(p, 1, U'e');
      for (const auto& v : {d, s, x, a}) out.push_back(encode(v));
    }
  }
  return out;
}

}  // namespace

TEST_CASE("phrase_set indexes find what a plain scan finds", "[dialog][fold][index]") {
  // Unsealed, every token goes through the vocabulary's indexes; sealed, a token equal to a word
  // takes its precomputed matches.
  const bool sealed = GENERATE(false, true);
  INFO("sealed vocabulary: " << sealed);
  phrase_set set;
  std::vector<ref_pattern> patterns;
  int tag = 0;
  for (const auto& entry : lexicon_entries()) {
    ++tag;  // a tag per entry: ties between equally long hits must go to the same pattern
    ref_pattern p = parse(entry, tag % 61);
    bool added = set.add(entry, tag % 61, true);
    REQUIRE(added == !p.words.empty());
    if (added) patterns.push_back(std::move(p));
  }
  REQUIRE(patterns.size() > 300);
  if (sealed) set.words()->seal();
  std::set<std::string> whole_words;
  for (const auto& p : patterns)
    for (const auto& w : p.words)
      if (!w.prefix) whole_words.insert(w.text);
  std::size_t hits[2] = {0, 0};
  for (const auto& text : probe_texts(patterns)) {
    auto toks = fold_and_tokenize(text, true).tokens;
    for (bool tolerant : {false, true})
      for (std::size_t i = 0; i < toks.size(); ++i) {
        auto got = set.match_at(toks, i, tolerant);
        auto want = ref_match_at(patterns, whole_words, toks, i, tolerant);
        INFO(text << " token " << i << " tolerant=" << tolerant);
        REQUIRE(got.has_value() == want.has_value());
        if (!got) continue;
        ++hits[tolerant];
        CHECK(got->begin == i);
        CHECK(got->end == want->end);
        CHECK(std::find(want->tags.begin(), want->tags.end(), got->tag) != want->tags.end());
      }
  }
  CHECK(hits[0] > 100);
  CHECK(hits[1] > hits[0]);  // the typo variants are found in the tolerant pass only
}
