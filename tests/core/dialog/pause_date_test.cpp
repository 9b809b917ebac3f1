// The date a PAUSE confirmation names is the day the pause ends where the school is, not in UTC:
// a pause asked for at 01:40 in Helsinki (23:40 UTC the day before) ends on a Helsinki date.
#include <filesystem>

#include <catch2/catch.hpp>

#include "tuki/core/dialog/engine.hpp"

using namespace tuki;
using namespace tuki::dialog;

namespace {

std::string pause_reply(const std::string& zone, const std::string& language, core::instant now) {
  static const dialog_library lib = [] {
    auto l = dialog_library::load(std::filesystem::path(TUKI_SOURCE_DIR) / "dialogs");
    if (!l) throw std::runtime_error(l.error().message());
    return std::move(l).value();
  }();
  conversation_settings cs{{{"en", "040 123"}}, std::chrono::days(14), zone};
  student_context who{"s-1", "Aino", language, {}};
  auto out = on_reply(lib, std::nullopt, who, cs, "pause", now);
  for (const auto& e : out.effects)
    if (const auto* sms = std::get_if<core::send_sms>(&e)) return sms->text;
  return "";
}

}  // namespace

TEST_CASE("a pause ends on the school's local date", "[dialog][keywords]") {
  // 2026-12-06 23:40 UTC is 2026-12-07 01:40 in Helsinki; 14 days on: 21.12.2026 there.
  const auto now = core::from_unix_ms(1'796'600'400'000);
  CHECK_THAT(pause_reply("Europe/Helsinki", "fi", now), Catch::Contains("21.12.2026"));
  CHECK_THAT(pause_reply("Europe/Helsinki", "sv", now), Catch::Contains("2026-12-21"));
  CHECK_THAT(pause_reply("", "fi", now), Catch::Contains("20.12.2026"));  // no zone: UTC
  CHECK_THAT(pause_reply("Mars/Olympus", "fi", now), Catch::Contains("20.12.2026"));
}
