// What a student reads after START: "you already get messages" while they do, "welcome back"
// once they had opted out. Real SQLite file, the shipped lexicons.
#include <catch2/catch.hpp>

#include "support/app_fixture.hpp"
#include "support/students.hpp"

using namespace tuki;

namespace {

const core::instant t0 = core::from_unix_ms(1'795'503'600'000);  // a Tuesday, 09:00 in Helsinki

}  // namespace

TEST_CASE("START is confirmed as 'already' while the student gets messages", "[app][keywords]") {
  testing::app_fixture f{"tuki-keyword-replies"};
  const auto s = testing::aino();
  REQUIRE(f.store->upsert_students({s}, t0));
  int n = 0;
  auto text = [&](const std::string& body, core::instant at) {
    adapters::inbound_sms sms{s.phone, "", body, "m" + std::to_string(++n), std::nullopt};
    REQUIRE(f.conv->handle_inbound(*f.store, "console", sms, at));
    auto& q = f.store->db().prepare(
        "SELECT body FROM messages WHERE direction = 'out' ORDER BY id DESC LIMIT 1");
    std::string last = q.step() ? q.column_text(0) : "";
    q.reset();
    return last;
  };
  CHECK_THAT(text("jatka", t0), Catch::StartsWith("Saat jo viestejä"));
  CHECK_THAT(text("LOPETA", t0 + std::chrono::minutes(1)), Catch::StartsWith("Selvä"));
  CHECK_THAT(text("jatka", t0 + std::chrono::minutes(2)),
             Catch::StartsWith("Kiva, että olet taas"));
  CHECK_THAT(text("aloita", t0 + std::chrono::minutes(3)), Catch::StartsWith("Saat jo viestejä"));
}
