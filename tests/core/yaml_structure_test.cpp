#include "tuki/core/yaml_structure.hpp"

#include <catch2/catch.hpp>

using tuki::core::check_yaml_structure;

namespace {

// The problems of `yaml` as "line:col: path: what", one per line.
std::string problems(const std::string& yaml) {
  std::string out;
  for (const auto& p : check_yaml_structure(YAML::Load(yaml)))
    out += (out.empty() ? "" : "\n") + std::to_string(p.mark.line + 1) + ":" +
           std::to_string(p.mark.column + 1) + ": " + p.path + ": " + p.what;
  return out;
}

}  // namespace

TEST_CASE("a sound document has no structure problems", "[yaml]") {
  CHECK(problems("a: 1\nb: [x, {c: 2}]\n\"quoted\": ~\n").empty());
  CHECK(problems("").empty());
  CHECK(problems("- plain\n- list\n").empty());
}

TEST_CASE("keys that are not plain names are found at any depth", "[yaml]") {
  CHECK(problems("? [x, y]\n: 1\n") == "1:3: : keys must be plain names, found a list");
  CHECK(problems("a:\n  - b: 1\n    ? {c: d}\n    : 2\n") ==
        "3:7: a[0]: keys must be plain names, found a map");
  CHECK(problems("a:\n  ~: 1\n") == "2:3: a: keys must be plain names, found null");
  // What lies under such a key is still checked; its path names the key '?'.
  CHECK(problems("? [x]\n: {? [y]: 1}\n") ==
        "1:3: : keys must be plain names, found a list\n"
        "2:6: ?: keys must be plain names, found a list");
}

TEST_CASE("a key given twice is reported at the second, quoted or not", "[yaml]") {
  CHECK(problems("a: 1\nb: 2\na: 3\n") == "3:1: : duplicate key 'a' (first at line 1)");
  CHECK(problems("m: {k: 1, \"k\": 2}\n") == "1:11: m: duplicate key 'k' (first at line 1)");
  CHECK(problems("- {k: 1}\n- {k: 2}\n").empty());  // one per map
}

TEST_CASE("every text and key must be valid UTF-8", "[yaml]") {
  CHECK(problems("a: \"\xc3\xa4 \xe2\x82\xac \xf0\x9f\x98\x80\"\n").empty());  // ä € 😀
  CHECK(problems("a: [ok, \"x\xff\xfey\"]\n") ==
        "1:9: a[1]: invalid UTF-8 in text (byte 0xFF at offset 1)");
  CHECK(problems("a: \"\xc0\xaf\"\n") ==  // an overlong '/'
        "1:4: a: invalid UTF-8 in text (byte 0xC0 at offset 0)");
  CHECK(problems("a: \"\xed\xa0\x80\"\n") ==  // a UTF-16 surrogate
        "1:4: a: invalid UTF-8 in text (byte 0xED at offset 0)");
  CHECK(problems("a: \"ok \xe2\x82\"\n") ==  // cut short
        "1:4: a: invalid UTF-8 in text (byte 0xE2 at offset 3)");
  // A bad key is named '?' below it, so no message carries the bad bytes.
  CHECK(problems("k\xe4: {b: \"\xe4\"}\n") ==
        "1:1: : invalid UTF-8 in a key (byte 0xE4 at offset 1)\n"
        "1:9: ?.b: invalid UTF-8 in text (byte 0xE4 at offset 0)");
}

TEST_CASE("aliases are checked once and may not contain themselves", "[yaml]") {
  // A shared anchor is one node: its problem is reported once.
  CHECK(problems("a: &shared {? [x]: 1}\nb: *shared\nc: *shared\n") ==
        "1:15: a: keys must be plain names, found a list");
  CHECK(problems("a: &loop [1, *loop]\n") ==
        "1:4: a[1]: an alias must not refer to a node that contains it");
  CHECK(problems("a: &loop {b: *loop}\n") ==
        "1:4: a.b: an alias must not refer to a node that contains it");
}
