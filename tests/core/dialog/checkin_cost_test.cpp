// SMS cost of the shipped check-in: the opening question is sent to every student on every
// check-in, so in languages whose letters fit GSM-7 it must stay one GSM-7 segment (a single
// en dash or curly quote would make it UCS-2 and double the cost).
#include <catch2/catch.hpp>

#include "tuki/core/dialog/engine.hpp"
#include "tuki/core/dialog/library.hpp"
#include "tuki/core/text/sms_encoding.hpp"

using namespace tuki;

TEST_CASE("the weekly check-in question costs one GSM-7 segment in fi, sv and en", "[dialog][cost]") {
  auto lib = dialog::dialog_library::load(std::string(TUKI_SOURCE_DIR) + "/dialogs");
  INFO(lib.error().to_string());
  REQUIRE(lib);
  for (std::string lang : {"fi", "sv", "en"}) {
    dialog::student_context who{"1", "Aleksandra", lang, {}};
    auto out = dialog::start(*lib, "weekly_checkin", who, {}, core::from_unix_ms(0));
    REQUIRE_FALSE(out.effects.empty());
    const auto* sms = std::get_if<core::send_sms>(&out.effects.front());
    REQUIRE(sms);
    auto cost = core::measure_sms(sms->text);
    INFO(lang << ": " << sms->text);
    CHECK(cost.coding == core::sms_coding::gsm7);
    CHECK(cost.segments == 1);
  }
}
