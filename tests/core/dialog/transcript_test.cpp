// Golden transcripts: tests/data/transcripts/*.yaml, one runner (format: docs/dialogs.md,
// "Transcript tests"). Between steps the session is saved to JSON text and parsed back.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "tuki/core/dialog/engine.hpp"
#include "tuki/core/dialog/session_layout.hpp"
#include "tuki/core/dialog/yaml_reader.hpp"

namespace fs = std::filesystem;
using namespace tuki;
using namespace tuki::dialog;

namespace {

const dialog_library& shipped_library() {
  static const dialog_library lib = [] {
    // The shipped dialogs plus test-only dialogs (loop guards) under tests/data/dialogs/engine.
    const fs::path root(TUKI_SOURCE_DIR);
    std::vector<fs::path> files;
    for (const auto& dir : {root / "dialogs", root / "tests/data/dialogs/engine"})
      for (const auto& e : fs::directory_iterator(dir))
        if (e.path().extension() == ".yaml") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    auto l = dialog_library::load_files(files, root / "dialogs/lang");
    if (!l) throw std::runtime_error(l.error().message());
    return std::move(l).value();
  }();
  return lib;
}

const core::instant t0 = core::from_unix_ms(1'767'603'600'000);  // 2026-01-05T09:00:00Z

// "30m", "+25h", "24h 3m": an offset from t0, in parts separated by spaces.
core::instant at_offset(std::string s) {
  if (!s.empty() && s[0] == '+') s.erase(0, 1);
  core::instant t = t0;
  std::size_t start = 0;
  while (start < s.size()) {
    std::size_t end = s.find(' ', start);
    if (end == std::string::npos) end = s.size();
    auto d = parse_duration(s.substr(start, end - start));
    if (!d) throw std::runtime_error("bad time offset '" + s + "'");
    t += *d;
    start = end + 1;
  }
  return t;
}

// The inverse of at_offset: "+25h", "+24h 3m", "+30m", "+0m".
std::string offset_text(core::instant t) {
  auto ms = (t - t0).count();
  long h = ms / 3'600'000, m = (ms % 3'600'000) / 60'000, sec = (ms % 60'000) / 1000;
  std::string out = "+";
  if (h) out += std::to_string(h) + "h";
  if (m || (!h && !sec)) out += (h ? " " : "") + std::to_string(m) + "m";
  if (sec) out += ((h || m) ? " " : "") + std::to_string(sec) + "s";
  return out;
}

nlohmann::json describe(const step_output& out) {
  nlohmann::json j;
  j["node"] = out.state ? nlohmann::json(out.state->node) : nlohmann::json();
  j["category"] = out.category ? nlohmann::json(*out.category) : nlohmann::json();
  j["keyword"] = out.keyword ? nlohmann::json(*out.keyword) : nlohmann::json();
  j["crisis"] = out.crisis;
  j["effects"] = nlohmann::json::array();
  for (const auto& e : out.effects) j["effects"].push_back(core::to_json(e));
  return j;
}

template <class T>
std::vector<T> effects_of(const step_output& out) {
  std::vector<T> v;
  for (const auto& e : out.effects)
    if (auto p = std::get_if<T>(&e)) v.push_back(*p);
  return v;
}

std::vector<std::string> list(const YAML::Node& n) {
  std::vector<std::string> v;
  if (!n || n.IsNull()) return v;
  for (const auto& x : n) v.push_back(x.as<std::string>());
  return v;
}

struct scheduled {
  std::string kind;
  core::instant at;
  std::int64_t token;
};

void check_expectations(const YAML::Node& ex, const step_output& out) {
  INFO("actual: " << describe(out).dump(1));
  if (ex["node"]) {
    if (ex["node"].IsNull()) {
      CHECK_FALSE(out.state.has_value());
    } else {
      REQUIRE(out.state.has_value());
      CHECK(out.state->node == ex["node"].as<std::string>());
    }
  }
  if (ex["category"]) {
    if (ex["category"].IsNull())
      CHECK_FALSE(out.category.has_value());
    else
      CHECK(out.category.value_or("<none>") == ex["category"].as<std::string>());
  } else {
    CHECK_FALSE(out.category.has_value());
  }
  CHECK(out.keyword.value_or("none") ==
        (ex["keyword"] ? ex["keyword"].as<std::string>() : "none"));
  CHECK(out.crisis == (ex["crisis"] ? ex["crisis"].as<bool>() : false));

  std::vector<std::string> sent;
  for (const auto& s : effects_of<core::send_sms>(out)) sent.push_back(s.text);
  CHECK(sent == list(ex["sent"]));
  if (ex["priority"])
    for (const auto& s : effects_of<core::send_sms>(out))
      CHECK(core::to_string(s.priority) == ex["priority"].as<std::string>());

  std::vector<std::string> tickets, want_tickets = list(ex["tickets"]);
  for (const auto& t : effects_of<core::open_ticket>(out))
    tickets.push_back(t.category + " " + std::string(core::to_string(t.urgency)));
  CHECK(tickets == want_tickets);
  if (ex["quotes"]) {  // the reply each ticket quotes (its excerpt), in the order opened
    std::vector<std::string> quotes;
    for (const auto& t : effects_of<core::open_ticket>(out)) quotes.push_back(t.excerpt);
    CHECK(quotes == list(ex["quotes"]));
  }

  std::vector<std::string> timers;
  for (const auto& t : effects_of<core::schedule_timer>(out))
    timers.push_back(t.kind + " " + offset_text(t.at));
  CHECK(timers == list(ex["timers"]));

  std::vector<std::string> results;
  for (const auto& r : effects_of<core::record_result>(out)) results.push_back(r.key + "=" + r.value);
  CHECK(results == list(ex["results"]));

  std::vector<std::string> contact;
  for (const auto& c : effects_of<core::set_contact_state>(out))
    contact.push_back(std::string(c.opted_out ? "opted_out" : "opted_in") +
                      (c.paused_until ? " paused_until " + offset_text(*c.paused_until) : ""));
  CHECK(contact == list(ex["contact"]));

  std::vector<std::string> ends;
  for (const auto& e : effects_of<core::end_session>(out)) ends.push_back(e.outcome);
  std::vector<std::string> want_end;
  if (ex["end"]) want_end.push_back(ex["end"].as<std::string>());
  CHECK(ends == want_end);

  if (ex["flags"]) {
    REQUIRE(out.state.has_value());
    std::vector<std::string> flags(out.state->flags.begin(), out.state->flags.end());
    CHECK(flags == list(ex["flags"]));
  }
  if (ex["scores"]) {
    REQUIRE(out.state.has_value());
    for (auto it = ex["scores"].begin(); it != ex["scores"].end(); ++it)
    {
      auto sc = out.state->scores.find(it->first.as<std::string>());
      CHECK((sc == out.state->scores.end() ? 0 : sc->second) == it->second.as<int>());
    }
  }
}

void run_transcript(const fs::path& file) {
  const auto& lib = shipped_library();
  YAML::Node doc = YAML::LoadFile(file.string());
  student_context student;
  student.student_id = "s-1";
  student.first_name = doc["student"]["first_name"].as<std::string>();
  student.language = doc["student"]["language"].as<std::string>();
  if (doc["student"]["vars"])
    for (auto it = doc["student"]["vars"].begin(); it != doc["student"]["vars"].end(); ++it)
      student.vars[it->first.as<std::string>()] = it->second.as<std::string>();
  conversation_settings settings;
  settings.helpline = {{"en", "student services 040 123 4567"},
                       {"fi", "opiskelijapalvelut 040 123 4567"}};

  std::optional<session> state;
  std::vector<scheduled> timers;
  core::instant now = t0;
  int index = 0;
  for (const auto& step : doc["steps"]) {
    ++index;
    if (step["at"]) now = at_offset(step["at"].as<std::string>());
    step_output out;
    std::string what;
    if (step["start"]) {
      what = "start " + step["start"].as<std::string>();
      out = start(lib, step["start"].as<std::string>(), student, settings, now);
    } else if (step["reply"]) {
      what = "reply '" + step["reply"].as<std::string>() + "'";
      out = on_reply(lib, state, student, settings, step["reply"].as<std::string>(), now);
    } else if (step["timer"]) {
      const std::string kind = step["timer"].as<std::string>();
      bool stale = step["stale"] && step["stale"].as<bool>();
      std::optional<scheduled> pick;
      for (const auto& t : timers) {
        if (t.kind != kind) continue;
        if (stale) {
          if (!state || t.token != state->token) { pick = t; break; }
        } else {
          pick = t;  // the latest
        }
      }
      INFO(file.filename().string() << " step " << index << ": timer " << kind);
      REQUIRE(pick.has_value());
      REQUIRE(state.has_value());
      if (!step["at"]) now = pick->at;
      what = "timer " + kind + (stale ? " (stale)" : "");
      out = on_timer(lib, *state, student, settings, kind, pick->token, now);
    } else {
      FAIL(file.filename().string() << " step " << index << ": no start, reply or timer");
    }
    {
      INFO(file.filename().string() << " step " << index << ": " << what);
      check_expectations(step["expect"] ? step["expect"] : YAML::Node(YAML::NodeType::Map), out);
    }
    for (const auto& t : effects_of<core::schedule_timer>(out))
      timers.push_back({t.kind, t.at, t.token});
    // Persist and reload, as the app does between steps.
    if (out.state) {
      auto text = out.state->to_text();
      // The stored text is JSON exactly as nlohmann writes it (keys sorted, same escapes).
      CHECK(nlohmann::json::parse(text).dump() == text);
      session fast;  // and is read back without a parser
      CHECK(read_written_layout(text, fast));
      CHECK(fast == *out.state);
      auto back = session::from_text(text);
      REQUIRE(back.is_ok());
      CHECK(back.value() == *out.state);
      state = back.value();
    } else {
      state.reset();
    }
  }
}

}  // namespace

TEST_CASE("golden transcripts", "[dialog][transcript]") {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(fs::path(TUKI_SOURCE_DIR) / "tests/data/transcripts"))
    if (e.path().extension() == ".yaml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  REQUIRE_FALSE(files.empty());
  for (const auto& f : files) {
    DYNAMIC_SECTION(f.filename().string()) { run_transcript(f); }
  }
}
