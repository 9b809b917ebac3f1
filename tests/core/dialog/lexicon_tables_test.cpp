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

// The session of `dialog` waiting at `node`, reached with neutral answers (weekly_checkin's q2
// and q3, student_message's offer, milestone_start's unclear and talk; any dialog's first
// question).
std::optional<session> session_at(const std::string& dialog, const std::string& node,
                                  const student_context& who) {
  auto out = start(library(), dialog, who, settings, t0);
  std::vector<std::string> path;
  if (dialog == "weekly_checkin" && node == "q2") path = {"3"};
  if (dialog == "weekly_checkin" && node == "q3") path = {"3", "1"};
  if (dialog == "student_message" && node == "offer") path = {"?"};
  if (dialog == "milestone_start" && node == "unclear") path = {"3"};
  if (dialog == "milestone_start" && node == "talk") path = {"3", "1"};
  for (const auto& r : path) out = on_reply(library(), out.state, who, settings, r, t0);
  if (!out.state || (!node.empty() && out.state->node != node))
    throw std::runtime_error("could not reach node " + node + " of " + dialog);
  return out.state;
}

}  // namespace

TEST_CASE("matcher tables classify replies of the shipped dialogs", "[dialog][tables]") {
  auto files = tables("matchers");
  REQUIRE_FALSE(files.empty());
  for (const auto& f : files) {
    YAML::Node doc = YAML::LoadFile(f.string());
    student_context who{"s-1", "Test", doc["language"].as<std::string>(), {}};
    int row = 0;
    for (const auto& c : doc["cases"]) {
      ++row;
      const std::string reply = c["reply"].as<std::string>();
      const std::string dialog = doc["dialog"] ? doc["dialog"].as<std::string>() : "weekly_checkin";
      const std::string node = c["node"]                    ? c["node"].as<std::string>()
                               : dialog == "weekly_checkin" ? "q1"
                                                            : "";
      const std::string want = c["category"].as<std::string>();
      auto s = session_at(dialog, node, who);
      auto out = on_reply(library(), s, who, settings, reply, t0 + std::chrono::minutes(1));
      INFO(f.filename().string() << " row " << row << ": " << dialog << " node " << node
                                 << ", reply '" << reply << "'");
      CHECK(out.category.value_or("<none>") == want);
    }
  }
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
