#include "tuki/core/dialog/session.hpp"

#include <limits>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/sessions.hpp"

using namespace tuki;
using namespace tuki::dialog;

namespace {

session sample() { return testing::mid_checkin_session(); }

// The sample's stored text with `field` set to `value` (any JSON), through nlohmann: an
// independent writer.
std::string with(const std::string& field, const nlohmann::json& value) {
  auto j = nlohmann::json::parse(sample().to_text());
  j[field] = value;
  return j.dump();
}

std::string error_of(const std::string& text) {
  auto s = session::from_text(text);
  REQUIRE_FALSE(s.is_ok());
  return s.error().message();
}

}  // namespace

TEST_CASE("session text round trip is lossless", "[dialog][session]") {
  const session s = sample();
  const std::string text = s.to_text();
  auto back = session::from_text(text);
  REQUIRE(back.is_ok());
  CHECK(back.value() == s);
  // It is JSON as nlohmann writes it: keys sorted, compact.
  CHECK(nlohmann::json::parse(text).dump() == text);
  const auto j = nlohmann::json::parse(text);
  CHECK(j.at("format") == 1);
  CHECK(j.at("token") == 1'767'603'600'000'003);
  CHECK(j.at("scores").at("mood") == -2);
  CHECK(j.at("flags") == nlohmann::json::array({"high_need", "needs_support"}));
  CHECK(j.at("started") == 1'767'603'600'000);
}

TEST_CASE("session text escapes as nlohmann does and survives any text", "[dialog][session]") {
  session s = sample();
  s.node = "say \"hi\" \\ now";
  s.last_category = std::string("tab\there, line\nbreak, bell\x07, nul") + '\0' + "end";
  s.results = {{"emoji", "ok 👍 ä ž ų"}, {"quote\"key", "v"}};
  s.flags = {"ünïcode"};
  const std::string text = s.to_text();
  CHECK(nlohmann::json::parse(text).dump() == text);
  CHECK(text.find("\\u0007") != std::string::npos);
  CHECK(text.find("\\u0000") != std::string::npos);
  auto back = session::from_text(text);
  REQUIRE(back.is_ok());
  CHECK(back.value() == s);

  // Invalid UTF-8 (which nlohmann's dump would throw on) is written as U+FFFD.
  s.last_category = "bad \xC3 byte";
  const std::string repaired = s.to_text();
  CHECK(nlohmann::json::parse(repaired).at("last_category") == "bad \xEF\xBF\xBD byte");
}

TEST_CASE("session text round trip keeps many and long entries", "[dialog][session]") {
  // More entries than the session keeps inline, and names longer than short_string holds inline.
  session s;
  s.dialog_id = "a_dialog_with_a_rather_long_id";
  s.dialog_version = "0123456789abcdef0123456789abcdef";
  s.node = "n9";
  for (int i = 0; i < 9; ++i) {
    std::string name = "node_" + std::string(static_cast<std::size_t>(i) * 4, 'x') +
                       std::to_string(i);
    s.visits[name] = i + 1;
    s.scores["score_" + std::to_string(i)] = -i;
    s.flags.insert("flag_" + std::string(static_cast<std::size_t>(i) * 5, 'f'));
    s.results["result_" + std::to_string(i)] = std::string(static_cast<std::size_t>(i) * 6, 'r');
  }
  const std::string text = s.to_text();
  CHECK(nlohmann::json::parse(text).dump() == text);
  auto back = session::from_text(text);
  REQUIRE(back.is_ok());
  CHECK(back.value() == s);
  CHECK(back.value().visits.size() == 9);
  CHECK(back.value().to_text() == text);
}

TEST_CASE("session JSON stored by earlier versions still loads, and is written the same",
          "[dialog][session]") {
  // As the std::map / std::set session wrote it through nlohmann (keys sorted, flags a sorted
  // array).
  const std::string stored =
      R"({"dialog":"weekly_checkin","expires":1767862800000,"flags":["high_need","needs_support"],)"
      R"("format":1,"hints_used":0,"last_category":"struggling","node":"q2",)"
      R"("reminders_sent":0,"results":{"contact":"yes","q1":"struggling"},)"
      R"("scores":{"need":4},"started":1767603600000,"token":1767603600000001,)"
      R"("version":"0123456789abcdef","visits":{"q1":1,"q2":1}})";
  auto s = session::from_text(stored);
  REQUIRE(s.is_ok());
  const session& v = s.value();
  CHECK(v.dialog_version == std::string("0123456789abcdef"));
  CHECK(v.visits.find(std::string("q2"))->second == 1);
  CHECK(v.scores.find(std::string("need"))->second == 4);
  CHECK(v.flags.count(std::string("high_need")) == 1);
  CHECK(v.results.find(std::string("q1"))->second == std::string("struggling"));
  CHECK(v.token == 1767603600000001);
  CHECK(v.to_text() == stored);
  // Whitespace and another key order (an operator's hand edit) read the same.
  auto pretty = session::from_text(nlohmann::json::parse(stored).dump(2));
  REQUIRE(pretty.is_ok());
  CHECK(pretty.value() == v);
}

TEST_CASE("session text skips keys it does not know", "[dialog][session]") {
  auto j = nlohmann::json::parse(sample().to_text());
  j["added_later"] =
      nlohmann::json::parse(R"({"nested": [1, {"deep": [true, null, 2.5]}], "s": "x"})");
  j["also_later"] = nlohmann::json::array({1, "two", nullptr});
  j["scalar_later"] = 3.5;
  auto back = session::from_text(j.dump());
  REQUIRE(back.is_ok());
  CHECK(back.value() == sample());
}

TEST_CASE("malformed session text is an error that names what is wrong", "[dialog][session]") {
  CHECK_THAT(error_of("{}"), Catch::Contains("no 'dialog'"));
  auto missing = nlohmann::json::parse(sample().to_text());
  missing.erase("visits");
  CHECK_THAT(error_of(missing.dump()), Catch::Contains("no 'visits'"));
  CHECK_THAT(error_of(with("token", "seven")), Catch::Contains("'token'"));
  CHECK_THAT(error_of(with("format", 99)), Catch::Contains("unknown format 99"));
  CHECK_THAT(error_of(with("hints_used", 1.5)), Catch::Contains("'hints_used' is a fraction"));
  CHECK_THAT(error_of(with("node", nullptr)), Catch::Contains("'node' is null"));
  CHECK_THAT(error_of(with("reminders_sent", 5'000'000'000LL)),
             Catch::Contains("'reminders_sent'"));
  CHECK_THAT(error_of(with("token", 18'000'000'000'000'000'000ULL)),
             Catch::Contains("out of range"));
  CHECK_THAT(error_of("[1, 2]"), Catch::Contains("not a JSON object"));
  CHECK_THAT(error_of("7"), Catch::Contains("not a JSON object"));
  CHECK_THAT(error_of("\"a string\""), Catch::Contains("not a JSON object"));
  CHECK_THAT(error_of(""), Catch::Contains("session:"));
  const std::string text = sample().to_text();
  CHECK_THAT(error_of(text.substr(0, text.size() / 2)), Catch::Contains("parse error"));
  CHECK_THAT(error_of(text + "x"), Catch::Contains("parse error"));
}

TEST_CASE("session text with wrongly typed maps is an error", "[dialog][session]") {
  for (const char* field : {"visits", "scores", "flags", "results"}) {
    CAPTURE(field);
    CHECK_FALSE(session::from_text(with(field, 7)).is_ok());
    CHECK_FALSE(session::from_text(with(field, nlohmann::json::parse(R"({"a": [1]})"))).is_ok());
    CHECK_FALSE(
        session::from_text(with(field, nlohmann::json::parse(R"({"a": {"b": 1}})"))).is_ok());
  }
  CHECK_FALSE(session::from_text(with("visits", nlohmann::json::parse(R"({"a": "one"})"))).is_ok());
  CHECK_FALSE(
      session::from_text(with("visits", nlohmann::json::parse(R"({"a": 3000000000})"))).is_ok());
  CHECK_FALSE(session::from_text(with("results", nlohmann::json::parse(R"({"a": 1})"))).is_ok());
  CHECK_FALSE(session::from_text(with("flags", nlohmann::json::parse(R"([1])"))).is_ok());
  CHECK_FALSE(session::from_text(with("flags", nlohmann::json::object())).is_ok());
  CHECK_FALSE(session::from_text(with("visits", nlohmann::json::array())).is_ok());
}

namespace {

// The session as the std::map session wrote it through a nlohmann tree: an independent writer.
nlohmann::json tree_of(const session& s) {
  auto map_of = [](const auto& m) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [k, v] : m) j[k.str()] = v;
    return j;
  };
  nlohmann::json flags = nlohmann::json::array();
  for (const auto& f : s.flags) flags.push_back(f.str());
  nlohmann::json results = nlohmann::json::object();
  for (const auto& [k, v] : s.results) results[k.str()] = v.str();
  nlohmann::json j = {{"format", 1},
                      {"dialog", s.dialog_id},
                      {"version", s.dialog_version.str()},
                      {"node", s.node},
                      {"token", s.token},
                      {"visits", map_of(s.visits)},
                      {"scores", map_of(s.scores)},
                      {"flags", flags},
                      {"results", results},
                      {"reminders_sent", s.reminders_sent},
                      {"hints_used", s.hints_used},
                      {"last_category", s.last_category},
                      {"started", core::to_unix_ms(s.started)},
                      {"expires", core::to_unix_ms(s.expires)}};
  if (!s.quotes.empty()) {  // written only when a reply is kept
    nlohmann::json quotes = nlohmann::json::object();
    for (const auto& [k, v] : s.quotes) quotes[k.str()] = v;
    j["quotes"] = quotes;
  }
  return j;
}

}  // namespace

TEST_CASE("session text is what a nlohmann tree of the session dumps, for every ASCII byte",
          "[dialog][session]") {
  for (int b = 1; b < 0x80; ++b) {
    CAPTURE(b);
    session s = sample();
    const std::string c(1, static_cast<char>(b));
    s.node = "n" + c + "x";
    s.last_category = c;
    s.visits[c + "key"] = b;
    s.flags.insert("f" + c);
    s.results["r" + c] = c + c;
    s.quotes["q" + c] = "said " + c;
    REQUIRE(s.to_text() == tree_of(s).dump());
    auto back = session::from_text(s.to_text());
    REQUIRE(back.is_ok());
    CHECK(back.value() == s);
  }
  session s = sample();
  s.results = {{"ö-key", "ü"}, {"a-key", "日本"}, {"Z-key", "z"}};  // sorted bytewise
  s.scores = {{"min", std::numeric_limits<int>::min()}, {"max", std::numeric_limits<int>::max()}};
  for (const std::int64_t token : {std::numeric_limits<std::int64_t>::min(),
                                   std::numeric_limits<std::int64_t>::max(), std::int64_t{0}}) {
    s.token = token;
    CHECK(s.to_text() == tree_of(s).dump());
    auto back = session::from_text(s.to_text());
    REQUIRE(back.is_ok());
    CHECK(back.value() == s);
  }
}

TEST_CASE("a repeated key keeps its last value, as a JSON tree would", "[dialog][session]") {
  std::string text = sample().to_text();
  // Inside a map: the written layout with q1 twice.
  const std::string twice =
      std::string(text).replace(text.find(R"("visits":{)"), 10, R"("visits":{"q1":9,)");
  auto in_map = session::from_text(twice);
  REQUIRE(in_map.is_ok());
  CHECK(in_map.value().visits.find(std::string("q1"))->second ==
        nlohmann::json::parse(twice).at("visits").at("q1"));
  // At the top: another layout, so the full reader reads it.
  auto top = session::from_text(text.substr(0, text.size() - 1) + R"(,"node":"q9"})");
  REQUIRE(top.is_ok());
  CHECK(top.value().node == "q9");
}

TEST_CASE("session text skips a key it does not know whatever number it holds, and refuses a NUL",
          "[dialog][session]") {
  for (const char* value : {"9223372036854775808", "18446744073709551615", "-5"}) {
    CAPTURE(value);
    auto back = session::from_text(with("added_later", nlohmann::json::parse(value)));
    REQUIRE(back.is_ok());
    CHECK(back.value() == sample());
  }
  CHECK_THAT(error_of("18446744073709551615"), Catch::Contains("not a JSON object"));
  const std::string text = sample().to_text();
  CHECK_THAT(error_of(text + std::string(1, '\0') + "junk"), Catch::Contains("NUL"));
}

TEST_CASE("a session keeps the replies tickets quote, and writes them only when there are some",
          "[dialog][session]") {
  session s = sample();
  CHECK(s.to_text().find("quotes") == std::string::npos);  // as earlier versions wrote it
  s.quotes[std::string("ready")] = "ei oo rahaa bussikorttiin \"😕\"\n";
  const std::string text = s.to_text();
  CHECK(text == tree_of(s).dump());
  CHECK(nlohmann::json::parse(text).at("quotes").at("ready") == s.quotes.begin()->second);
  auto back = session::from_text(text);
  REQUIRE(back.is_ok());
  CHECK(back.value() == s);
  // Without escapes, the written layout reads it too; so does the full reader, in any layout.
  s.quotes[std::string("ready")] = "no money for the bus card 😕";
  back = session::from_text(s.to_text());
  REQUIRE(back.is_ok());
  CHECK(back.value() == s);
  back = session::from_text(nlohmann::json::parse(s.to_text()).dump(2));
  REQUIRE(back.is_ok());
  CHECK(back.value() == s);
  CHECK_FALSE(session::from_text(with("quotes", nlohmann::json::array())).is_ok());
  CHECK_FALSE(session::from_text(with("quotes", {{"ready", 1}})).is_ok());
}
