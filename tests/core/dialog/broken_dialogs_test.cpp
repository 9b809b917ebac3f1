// Every tests/data/dialogs/broken/X.yaml must produce exactly the diagnostics in X.expected
// (one per line, "file:line:col: error|warning: node N: message").
#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "tuki/core/dialog/lexicon.hpp"
#include "tuki/core/dialog/library.hpp"
#include "tuki/core/dialog/loader.hpp"

namespace fs = std::filesystem;
using namespace tuki::dialog;

namespace {
std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

TEST_CASE("broken dialogs report exact located diagnostics", "[dialog][loader]") {
  std::vector<diagnostic> lex_diags;
  lexicon lex = load_lexicon(fs::path(TUKI_SOURCE_DIR) / "dialogs/lang", lex_diags);
  REQUIRE(lex_diags.empty());
  folded_lexicons folded = fold_lexicons(lex);
  const fs::path dir = fs::path(TUKI_SOURCE_DIR) / "tests/data/dialogs/broken";
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".yaml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 10);
  for (const auto& f : files) {
    fs::path expected_file = f;
    expected_file.replace_extension(".expected");
    INFO(f.filename().string());
    REQUIRE(fs::exists(expected_file));
    std::string expected = slurp(expected_file);
    while (!expected.empty() && expected.back() == '\n') expected.pop_back();
    std::vector<diagnostic> diags;
    auto d = load_dialog(slurp(f), f.filename().string(), folded, diags);
    CHECK(join(diags) == expected);
    CHECK_FALSE(diags.empty());
    CHECK((d == nullptr) == has_errors(diags));
  }
}

TEST_CASE("the shipped dialogs load without errors", "[dialog][loader]") {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(fs::path(TUKI_SOURCE_DIR) / "dialogs"))
    if (e.path().extension() == ".yaml") files.push_back(e.path());
  REQUIRE_FALSE(files.empty());
  std::vector<diagnostic> all;
  auto lib = dialog_library::load_files(files, fs::path(TUKI_SOURCE_DIR) / "dialogs/lang", &all);
  INFO(join(all));
  CHECK(lib.is_ok());
  for (const auto& d : all) CHECK(d.level == diagnostic::severity::warning);
}
