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
