#include "tuki/core/dialog/session.hpp"

#include <catch2/catch.hpp>

using namespace tuki;
using namespace tuki::dialog;

TEST_CASE("session JSON round trip is lossless", "[dialog][session]") {
  session s;
  s.dialog_id = "weekly_checkin";
  s.dialog_version = "0123456789abcdef";
  s.node = "q2";
  s.token = 1'767'603'600'000'003;
  s.visits = {{"q1", 1}, {"q2", 2}};
  s.scores = {{"need", 3}};
  s.flags = {"needs_support"};
  s.results = {{"q1", "struggling"}};
  s.reminders_sent = 1;
  s.hints_used = 2;
  s.last_category = "struggling";
  s.started = core::from_unix_ms(1'767'603'600'000);
  s.expires = core::from_unix_ms(1'767'862'800'000);
  auto back = session::from_json(nlohmann::json::parse(s.to_json().dump()));
  REQUIRE(back.is_ok());
  CHECK(back.value() == s);
}

TEST_CASE("malformed session JSON is an error, not a crash", "[dialog][session]") {
  CHECK_FALSE(session::from_json(nlohmann::json::object()).is_ok());
  auto j = session{}.to_json();
  j["token"] = "seven";
  CHECK_FALSE(session::from_json(j).is_ok());
  j = session{}.to_json();
  j["format"] = 99;
  CHECK_FALSE(session::from_json(j).is_ok());
}

TEST_CASE("session JSON round trip keeps many and long entries", "[dialog][session]") {
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
  auto back = session::from_json(nlohmann::json::parse(s.to_json().dump()));
  REQUIRE(back.is_ok());
  CHECK(back.value() == s);
  CHECK(back.value().visits.size() == 9);
  CHECK(back.value().to_json() == s.to_json());
}

TEST_CASE("session JSON stored by earlier versions still loads, and is written the same",
          "[dialog][session]") {
  // As the std::map / std::set session wrote it (keys sorted, flags a sorted array).
  const std::string stored =
      R"({"dialog":"weekly_checkin","expires":1767862800000,"flags":["high_need","needs_support"],)"
      R"("format":1,"hints_used":0,"last_category":"struggling","node":"q2",)"
      R"("reminders_sent":0,"results":{"contact":"yes","q1":"struggling"},)"
      R"("scores":{"need":4},"started":1767603600000,"token":1767603600000001,)"
      R"("version":"0123456789abcdef","visits":{"q1":1,"q2":1}})";
  auto s = session::from_json(nlohmann::json::parse(stored));
  REQUIRE(s.is_ok());
  const session& v = s.value();
  CHECK(v.dialog_version == std::string("0123456789abcdef"));
  CHECK(v.visits.find(std::string("q2"))->second == 1);
  CHECK(v.scores.find(std::string("need"))->second == 4);
  CHECK(v.flags.count(std::string("high_need")) == 1);
  CHECK(v.results.find(std::string("q1"))->second == std::string("struggling"));
  CHECK(v.to_json().dump() == nlohmann::json::parse(stored).dump());
}

TEST_CASE("session JSON with wrongly typed maps is an error", "[dialog][session]") {
  for (const char* field : {"visits", "scores", "flags", "results"}) {
    CAPTURE(field);
    auto j = session{}.to_json();
    j[field] = 7;
    CHECK_FALSE(session::from_json(j).is_ok());
    j[field] = nlohmann::json::parse(R"({"a": [1]})");
    CHECK_FALSE(session::from_json(j).is_ok());
  }
}
