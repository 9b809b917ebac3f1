#include "tuki/core/effect.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace tuki::core;

TEST_CASE("effects survive a JSON round trip", "[core][effect]") {
  std::vector<effect> all{
      send_sms{"Hei Aino! Miten opinnot sujuvat?", sms_priority::bulk, "question"},
      open_ticket{"wellbeing", urgency::high, "weekly_checkin", "q3", "en jaksa"},
      schedule_timer{"wait_timeout", from_unix_ms(1'800'000'000'000), 7},
      set_contact_state{true, from_unix_ms(1'800'000'500'000)},
      set_contact_state{false, std::nullopt},
      record_result{"q1", "4"},
      end_session{"fine"},
  };
  for (const auto& e : all) {
    auto j = to_json(e);
    INFO(j.dump());
    CHECK(j["type"] == std::string(effect_type(e)));
    auto back = effect_from_json(nlohmann::json::parse(j.dump()));
    REQUIRE(back.has_value());
    CHECK(*back == e);
  }
}

TEST_CASE("malformed effect JSON is rejected, not asserted", "[core][effect]") {
  CHECK_FALSE(effect_from_json(nlohmann::json{{"type", "launch_rocket"}}));
  CHECK_FALSE(effect_from_json(nlohmann::json{{"type", "send_sms"}, {"text", "x"}}));
  CHECK_FALSE(effect_from_json(
      nlohmann::json{{"type", "send_sms"}, {"text", "x"}, {"priority", 9}, {"purpose", "q"}}));
  CHECK_FALSE(effect_from_json(nlohmann::json::array()));
}
