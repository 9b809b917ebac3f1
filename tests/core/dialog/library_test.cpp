#include "tuki/core/dialog/library.hpp"

#include <filesystem>
#include <fstream>
#include <optional>

#include <catch2/catch.hpp>

#include "support/dialog_dir.hpp"
#include "tuki/core/dialog/engine.hpp"
#include "tuki/core/dialog/graph.hpp"

namespace fs = std::filesystem;
using namespace tuki;
using namespace tuki::dialog;

namespace {

const char* dialog_v1 = R"(tuki_dialog: 1
id: tiny
base_language: en
languages: [en]
start: ask
nodes:
  - id: ask
    text: "Version one: yes?"
    wait:
    cases:
      - {match: {yes_no: "yes"}, category: "yes"}
    default: {category: unknown, max_hints: 0, fallback: "yes"}
    categories:
      "yes": {next: bye}
  - id: bye
    text: "Bye from one"
)";

void write(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

struct temp_dir : testing::dialog_dir {
  temp_dir() : dialog_dir("tuki_dialog_lib") {}
};

// A session started on tiny.yaml version one, and the file then edited to version two.
struct edited_mid_session {
  temp_dir dir;
  student_context who{"s", "Alex", "en", {}};
  conversation_settings cs;
  const core::instant t0 = core::from_unix_ms(1'767'603'600'000);
  std::optional<dialog_library> v1;
  step_output started;
  std::string v2_text = dialog_v1;

  edited_mid_session() {
    write(dir.path / "tiny.yaml", dialog_v1);
    auto loaded = dialog_library::load(dir.path);
    REQUIRE(loaded.is_ok());
    v1.emplace(std::move(*loaded));
    started = start(*v1, "tiny", who, cs, t0);
    REQUIRE(started.state);
    v2_text.replace(v2_text.find("Bye from one"), 12, "Bye from two");
    write(dir.path / "tiny.yaml", v2_text);
  }
};

}  // namespace

TEST_CASE("reload keeps earlier versions so running sessions finish on them",
          "[dialog][library]") {
  edited_mid_session e;
  auto& [dir, who, cs, t0, v1, started, v2_text] = e;
  // Nothing stored names version one yet: it is kept as the previous current version.
  auto v2 = dialog_library::reload(dir.path, *v1, {});
  REQUIRE(v2.is_ok());
  REQUIRE(v2->find("tiny") != nullptr);
  CHECK(v2->find("tiny")->version != started.state->dialog_version);
  CHECK(v2->version_count() == 2);

  // The old session finishes on version one...
  auto old = on_reply(*v2, started.state, who, cs, "yes", t0);
  REQUIRE(old.effects.size() >= 1);
  CHECK(std::get<core::send_sms>(old.effects[0]).text == "Bye from one");
  // ...a new one runs version two.
  auto fresh = start(*v2, "tiny", who, cs, t0);
  auto done = on_reply(*v2, fresh.state, who, cs, "yes", t0);
  CHECK(std::get<core::send_sms>(done.effects[0]).text == "Bye from two");
}

TEST_CASE("a second reload keeps an earlier version only while a session runs on it",
          "[dialog][library]") {
  edited_mid_session e;
  auto& [dir, who, cs, t0, v1, started, v2_text] = e;
  const std::string one(started.state->dialog_version.view());
  auto v2 = dialog_library::reload(dir.path, *v1, {});
  REQUIRE(v2.is_ok());
  std::string v3_text = v2_text;
  v3_text.replace(v3_text.find("Bye from two"), 12, "Bye from six");
  write(dir.path / "tiny.yaml", v3_text);
  const std::string two = v2->find("tiny")->version;

  SECTION("no session on version one: it is dropped, version two (the previous current) kept") {
    auto v3 = dialog_library::reload(dir.path, *v2, {});
    REQUIRE(v3.is_ok());
    CHECK(v3->version_count() == 2);
    CHECK(v3->find_version("tiny", one) == nullptr);
    CHECK(v3->find_version("tiny", two) != nullptr);
  }
  SECTION("a stored session on version one: it stays, and the session finishes on it") {
    auto v3 = dialog_library::reload(dir.path, *v2, {dialog_library::version_key("tiny", one)});
    REQUIRE(v3.is_ok());
    CHECK(v3->version_count() == 3);
    auto old = on_reply(*v3, started.state, who, cs, "yes", t0);
    REQUIRE(old.effects.size() >= 1);
    CHECK(std::get<core::send_sms>(old.effects[0]).text == "Bye from one");
  }
  SECTION("an unchanged file adds no version however often it is reloaded") {
    auto v3 = dialog_library::reload(dir.path, *v2, {});
    REQUIRE(v3.is_ok());
    auto v4 = dialog_library::reload(dir.path, *v3, {dialog_library::version_key("tiny", two)});
    REQUIRE(v4.is_ok());
    CHECK(v4->version_count() == 2);
  }
}

TEST_CASE("after a restart a session whose version is gone goes on with the current file at its "
          "node, or ends if the node is gone",
          "[dialog][library]") {
  edited_mid_session e;
  auto& [dir, who, cs, t0, v1, started, v2_text] = e;
  // A plain load (a restart) knows only the edited file.
  auto v2 = dialog_library::load(dir.path);
  REQUIRE(v2.is_ok());
  REQUIRE(v2->find_version("tiny", started.state->dialog_version) == nullptr);

  SECTION("the node is still there: the reply is understood on the current file") {
    auto moved = on_reply(*v2, started.state, who, cs, "yes", t0);
    REQUIRE(moved.effects.size() >= 1);
    CHECK(std::get<core::send_sms>(moved.effects[0]).text == "Bye from two");
  }
  SECTION("a timer of the session runs on the current version") {
    auto early = on_timer(*v2, *started.state, who, cs, timer_expiry, started.state->token, t0);
    REQUIRE(early.state);  // not expired yet: nothing changes
    CHECK(early.effects.empty());
    CHECK(*early.state == *started.state);
    auto expired = on_timer(*v2, *started.state, who, cs, timer_expiry, started.state->token,
                            started.state->expires);
    REQUIRE_FALSE(expired.effects.empty());
    CHECK(std::get<core::end_session>(expired.effects.back()).outcome == "no_reply");
    REQUIRE(expired.ended_state);
    CHECK(expired.ended_state->dialog_version == v2->find("tiny")->version);
    CHECK(expired.ended_state->node == "ask");
  }
  SECTION("the node is gone: the session ends") {
    std::string renamed = v2_text;
    for (auto at = renamed.find("ask"); at != std::string::npos; at = renamed.find("ask", at))
      renamed.replace(at, 3, "question");
    write(dir.path / "tiny.yaml", renamed);
    auto v3 = dialog_library::load(dir.path);
    REQUIRE(v3.is_ok());
    auto orphan = on_reply(*v3, started.state, who, cs, "yes", t0);
    CHECK_FALSE(orphan.state);
    REQUIRE(orphan.effects.size() == 1);
    CHECK(std::get<core::end_session>(orphan.effects[0]).outcome == "dialog_removed");
  }
}

TEST_CASE("a load error names file, line and column", "[dialog][library]") {
  temp_dir dir;
  std::string broken = dialog_v1;
  broken.replace(broken.find("next: bye"), 9, "next: bey");
  write(dir.path / "tiny.yaml", broken);
  auto lib = dialog_library::load(dir.path);
  REQUIRE_FALSE(lib.is_ok());
  CHECK(lib.error().message() ==
        (dir.path / "tiny.yaml").string() + ":14:21: error: node ask: unknown next node 'bey'\n" +
            (dir.path / "tiny.yaml").string() +
            ":15:9: error: node bye: unreachable node: no category or 'next' leads here from 'ask'");
}

TEST_CASE("the DOT graph shows nodes, categories and tickets", "[dialog][graph]") {
  auto lib = dialog_library::load(fs::path(TUKI_SOURCE_DIR) / "dialogs");
  REQUIRE(lib.is_ok());
  std::string dot = to_dot(*lib->find("weekly_checkin"));
  CHECK(dot.rfind("digraph \"weekly_checkin\" {", 0) == 0);
  CHECK(dot.find("\"__start\" -> \"q1\"") != std::string::npos);
  CHECK(dot.find("\"q1\" -> \"thanks\" [label=\"fine: rating 4-5 | positive | emoji positive") !=
        std::string::npos);
  CHECK(dot.find("[ticket wellbeing, normal]") != std::string::npos);
  CHECK(dot.find("\"ticket_opened\" -> \"__end\"") != std::string::npos);
  CHECK(dot.back() == '\n');
}

TEST_CASE("two files declaring the same dialog id fail the load, and both files are named",
          "[dialog][library]") {
  temp_dir dir;
  write(dir.path / "a.yaml", dialog_v1);
  write(dir.path / "b.yaml", dialog_v1);
  std::vector<diagnostic> diags;
  auto lib =
      dialog_library::load_files({dir.path / "a.yaml", dir.path / "b.yaml"}, dir.path / "lang", &diags);
  CHECK_FALSE(lib);
  REQUIRE(diags.size() == 1);
  CHECK(diags[0].to_string() == (dir.path / "b.yaml").string() +
                                    ":2:5: error: dialog id 'tiny' is already used by " +
                                    (dir.path / "a.yaml").string() +
                                    ":2:5; every dialog file needs its own id");
  auto whole = dialog_library::load(dir.path);  // the service's load of the directory
  REQUIRE_FALSE(whole);
  CHECK_THAT(whole.error().message(), Catch::Contains("dialog id 'tiny' is already used by"));
}

TEST_CASE("a dialog saved as .yml is loaded like .yaml, as dialogs check passes it",
          "[dialog][library]") {
  temp_dir dir;
  write(dir.path / "tiny.yml", dialog_v1);
  write(dir.path / "notes.txt", "not a dialog");
  auto lib = dialog_library::load(dir.path);
  INFO(lib.error().to_string());
  REQUIRE(lib.is_ok());
  CHECK(lib->find("tiny") != nullptr);
  CHECK(lib->dialog_ids().size() == 1);
}

TEST_CASE("reload reports the warnings of the files it loads", "[dialog][library]") {
  temp_dir dir;
  write(dir.path / "tiny.yaml", dialog_v1);
  auto v1 = dialog_library::load(dir.path);
  REQUIRE(v1.is_ok());
  // A misspelt lexicon key is a warning, not an error: the list is ignored.
  std::ofstream(dir.path / "lang" / "en.yaml", std::ios::app) << "\nnegation: [nah]\n";
  std::vector<diagnostic> warnings;
  auto v2 = dialog_library::reload(dir.path, *v1, {}, &warnings);
  REQUIRE(v2.is_ok());
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].level == diagnostic::severity::warning);
  CHECK_THAT(warnings[0].file, Catch::EndsWith("en.yaml"));
  CHECK_THAT(warnings[0].message, Catch::Contains("negation"));
}
