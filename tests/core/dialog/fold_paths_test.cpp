// The fast folding paths (ASCII, the Latin table) must fold every reply of the table data
// exactly as utf8proc does; and the hashes of keys cut out of a token equal the hashes of the
// strings they stand for.
#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include <catch2/catch.hpp>
#include <utf8proc.h>
#include <yaml-cpp/yaml.h>

#include "tuki/core/dialog/text_fold.hpp"
#include "tuki/core/dialog/word_key.hpp"

namespace fs = std::filesystem;
using namespace tuki::dialog;

namespace {

std::string utf8proc_fold(const std::string& s, bool strip) {
  int options = UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD |
                UTF8PROC_IGNORE;
  if (strip) options |= UTF8PROC_STRIPMARK;
  utf8proc_uint8_t* out = nullptr;
  auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
                        static_cast<utf8proc_ssize_t>(s.size()), &out,
                        static_cast<utf8proc_option_t>(options));
  std::string r = n >= 0 ? std::string(reinterpret_cast<char*>(out), static_cast<std::size_t>(n))
                         : std::string("<error>");
  std::free(out);
  return r;
}

// Every reply and message of tests/data/{matchers,keywords,crisis}.
std::vector<std::string> table_texts() {
  std::vector<std::string> out;
  for (const char* area : {"matchers", "keywords", "crisis"})
    for (const auto& e : fs::directory_iterator(fs::path(TUKI_SOURCE_DIR) / "tests/data" / area)) {
      if (e.path().extension() != ".yaml") continue;
      for (const auto& c : YAML::LoadFile(e.path().string())["cases"])
        for (const char* field : {"reply", "message"})
          if (c[field]) out.push_back(c[field].as<std::string>());
    }
  return out;
}

}  // namespace

TEST_CASE("fast folding equals utf8proc on every table reply", "[dialog][fold]") {
  auto texts = table_texts();
  REQUIRE(texts.size() > 300);
  std::size_t ascii = 0;
  for (const auto& s : texts) {
    bool is_ascii = std::all_of(s.begin(), s.end(), [](char c) { return (c & 0x80) == 0; });
    ascii += is_ascii ? 1 : 0;
    for (bool strip : {false, true}) {
      INFO(s << " strip=" << strip);
      CHECK(fold_text(s, strip) == utf8proc_fold(s, strip));
      std::string into = "previous contents";
      fold_text(s, strip, into);
      CHECK(into == utf8proc_fold(s, strip));
    }
  }
  CHECK(ascii > 50);  // both paths are exercised
  CHECK(ascii < texts.size());
}

TEST_CASE("keys cut out of a token hash like the strings they stand for", "[dialog][fold]") {
  for (std::string text : {"hyvin", "hyvää", "ąęėįų", "a", "itsemurhaa", "👍ok"}) {
    std::vector<word_key> keys;
    append_deletion_keys(text, text.size(), keys);
    CHECK(keys.size() == codepoint_count(text));
    for (const auto& k : keys) {
      std::string joined = std::string(k.head(text)) + std::string(k.tail(text));
      INFO(text << " -> " << joined);
      CHECK(codepoint_count(joined) + 1 == codepoint_count(text));
      CHECK(k.hash == token_hash(joined));
    }
    // A prefix of the text: keys of its first code points only.
    std::string_view first_two = utf8_prefix(text, 3);
    keys.clear();
    append_deletion_keys(text, first_two.size(), keys);
    for (const auto& k : keys)
      CHECK(k.hash == token_hash(std::string(k.head(text)) + std::string(k.tail(text))));
  }
}
