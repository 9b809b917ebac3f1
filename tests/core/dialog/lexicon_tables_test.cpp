// Runs every table under tests/data/matchers/, keywords/ and crisis/ (schema:
// docs/lexicons.md) against the shipped dialogs and lexicons.
#include <filesystem>

#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>

#include "tuki/core/dialog/engine.hpp"

namespace fs = std::filesystem;
using namespace tuki;
using namespace tuki::dialog;

namespace {

const dialog_library& library() {
  static const dialog_library lib = [] {
    auto l = dialog_library::load(fs::path(TUKI_SOURCE_DIR) / "dialogs");
    if (!l) throw std::runtime_error(l.error().message());
    return std::move(l).value();
  }();
  return lib;
}

std::vector<fs::path> tables(const std::string& area) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(fs::path(TUKI_SOURCE_DIR) / "tests/data" / area))
    if (e.path().extension() == ".yaml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

const core::instant t0 = core::from_unix_ms(1'767'603'600'000);
const conversation_settings settings{{{"en", "040 123"}}, std::chrono::days(14), ""};

// The session of `dialog` waiting at `node` ("" = the dialog's `start`): started, then put at
// `node` as a session that reached it would be (its reminders and hints unused). How a node
// reads a reply depends on nothing else the session holds, so a table can ask any node that
// waits without walking a path of answers to it. An error names what is wrong with `node`.
core::result<session> session_at(const std::string& dialog_id, const std::string& node_id,
                                 const student_context& who) {
  const auto* d = library().find(dialog_id);
  if (!d) return core::status::invalid_argument("no dialog '" + dialog_id + "'");
  const std::string& at = node_id.empty() ? d->start : node_id;
  const node* n = d->find(at);
  if (!n) {
    std::string known;
    for (const auto& k : d->nodes)
      if (k.wait) known += (known.empty() ? "" : ", ") + k.id;
    return core::status::invalid_argument("dialog '" + dialog_id + "' has no node '" + at +
                                          "' (nodes that wait for a reply: " + known + ")");
  }
  if (!n->wait)
    return core::status::invalid_argument("node '" + at + "' of dialog '" + dialog_id +
                                          "' does not wait for a reply");
  auto out = start(library(), dialog_id, who, settings, t0);
  if (!out.state) return core::status::invalid_argument("dialog '" + dialog_id + "' did not wait");
  session s = *out.state;
  s.node = at;
  s.reminders_sent = 0;
  s.hints_used = 0;
  return s;
}

}  // namespace

TEST_CASE("matcher tables classify replies of the shipped dialogs", "[dialog][tables]") {
  auto files = tables("matchers");
  REQUIRE_FALSE(files.empty());
  for (const auto& f : files) {
    YAML::Node doc = YAML::LoadFile(f.string());
    student_context who{"s-1", "Test", doc["language"].as<std::string>(), {}};
    const std::string dialog = doc["dialog"] ? doc["dialog"].as<std::string>() : "weekly_checkin";
    // The node a case asks: its own `node`, else the table's, else the dialog's `start`.
    const std::string table_node = doc["node"] ? doc["node"].as<std::string>() : "";
    int row = 0;
    for (const auto& c : doc["cases"]) {
      ++row;
      const std::string reply = c["reply"].as<std::string>();
      const std::string node = c["node"] ? c["node"].as<std::string>() : table_node;
      const std::string want = c["category"].as<std::string>();
      INFO(f.filename().string() << " row " << row << ": " << dialog << " node "
                                 << (node.empty() ? "(start)" : node) << ", reply '" << reply
                                 << "'");
      auto s = session_at(dialog, node, who);
      if (!s) FAIL(s.error().message());
      auto out = on_reply(library(), *s, who, settings, reply, t0 + std::chrono::minutes(1));
      CHECK(out.category.value_or("<none>") == want);
    }
  }
}

TEST_CASE("a matcher table that names a node its dialog lacks fails, saying so",
          "[dialog][tables]") {
  student_context who{"s-1", "Test", "en", {}};
  auto missing = session_at("internship_reminder", "what_unclear", who);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message() ==
        "dialog 'internship_reminder' has no node 'what_unclear' (nodes that wait for a reply: "
        "ready, offer, offer_wellbeing, offer_life, what)");
  auto no_wait = session_at("internship_reminder", "good_luck", who);
  REQUIRE_FALSE(no_wait);
  CHECK(no_wait.error().message() ==
        "node 'good_luck' of dialog 'internship_reminder' does not wait for a reply");
  // A node named is where the reply is read; none named is the dialog's start.
  auto what = session_at("internship_reminder", "what", who);
  REQUIRE(what);
  CHECK(what->node == "what");
  auto first = session_at("absence_checkin", "", who);
  REQUIRE(first);
  CHECK(first->node == "how");
}

TEST_CASE("keyword tables: whole-message keywords only", "[dialog][tables]") {
  auto files = tables("keywords");
  REQUIRE_FALSE(files.empty());
  for (const auto& f : files) {
    YAML::Node doc = YAML::LoadFile(f.string());
    student_context who{"s-1", "Test", doc["language"].as<std::string>(), {}};
    int row = 0;
    for (const auto& c : doc["cases"]) {
      ++row;
      const std::string msg = c["message"].as<std::string>();
      auto out = on_reply(library(), std::nullopt, who, settings, msg, t0);
      INFO(f.filename().string() << " row " << row << ": '" << msg << "'");
      CHECK(out.keyword.value_or("none") == c["keyword"].as<std::string>());
      if (c["reply_starts"]) {  // the confirmation's language
        std::string sent;
        for (const auto& e : out.effects)
          if (const auto* sms = std::get_if<core::send_sms>(&e)) sent = sms->text;
        CHECK_THAT(sent, Catch::StartsWith(c["reply_starts"].as<std::string>()));
      }
    }
  }
}

TEST_CASE("crisis tables: crises found, near-misses not", "[dialog][tables]") {
  auto files = tables("crisis");
  REQUIRE_FALSE(files.empty());
  for (const auto& f : files) {
    YAML::Node doc = YAML::LoadFile(f.string());
    student_context who{"s-1", "Test", doc["language"].as<std::string>(), {}};
    int row = 0;
    for (const auto& c : doc["cases"]) {
      ++row;
      const std::string msg = c["message"].as<std::string>();
      auto out = on_reply(library(), std::nullopt, who, settings, msg, t0);
      INFO(f.filename().string() << " row " << row << ": '" << msg << "'");
      CHECK(out.crisis == c["crisis"].as<bool>());
      // What an unregistered sender is answered in: the table's language, unless the row names
      // the lexicon whose phrase comes first (`found_in`, a word two languages share).
      const std::string lang = c["found_in"] ? c["found_in"].as<std::string>()
                                             : doc["language"].as<std::string>();
      if (c["crisis"].as<bool>()) CHECK(crisis_language(library(), msg).value_or("<none>") == lang);
      else CHECK_FALSE(crisis_language(library(), msg));
    }
  }
}
