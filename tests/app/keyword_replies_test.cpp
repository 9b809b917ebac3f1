// What a student reads after START: "you already get messages" while they do, "welcome back"
// once they had opted out. Real SQLite file, the shipped lexicons.
#include <catch2/catch.hpp>

#include "support/texting_student.hpp"

using namespace tuki;

namespace {

const core::instant t0 = core::from_unix_ms(1'795'503'600'000);  // a Tuesday, 09:00 in Helsinki

}  // namespace

TEST_CASE("START is confirmed as 'already' while the student gets messages", "[app][keywords]") {
  testing::texting_student x("tuki-keyword-replies", t0);
  auto text = [&x](const std::string& body, core::instant at) {
    x.text(body, at);
    return x.last_out();
  };
  CHECK_THAT(text("jatka", t0), Catch::StartsWith("Saat jo viestejä"));
  CHECK_THAT(text("LOPETA", t0 + std::chrono::minutes(1)), Catch::StartsWith("Selvä"));
  CHECK_THAT(text("jatka", t0 + std::chrono::minutes(2)),
             Catch::StartsWith("Kiva, että olet taas"));
  CHECK_THAT(text("aloita", t0 + std::chrono::minutes(3)), Catch::StartsWith("Saat jo viestejä"));
}

TEST_CASE("START after a pause has run out is 'already': the messages have come back",
          "[app][keywords]") {
  testing::texting_student x("tuki-keyword-replies-pause", t0);
  auto text = [&x](const std::string& body, core::instant at) {
    x.text(body, at);
    return x.last_out();
  };
  using std::chrono::days;
  CHECK_THAT(text("tauko", t0), Catch::StartsWith("Selvä, pidetään taukoa"));
  // Within the pause (14 days): welcome back.
  CHECK_THAT(text("jatka", t0 + days(3)), Catch::StartsWith("Kiva, että olet taas"));
  CHECK_THAT(text("tauko", t0 + days(4)), Catch::StartsWith("Selvä, pidetään taukoa"));
  // The stored pause has ended: the student gets messages again already.
  CHECK_THAT(text("jatka", t0 + days(40)), Catch::StartsWith("Saat jo viestejä"));
}

TEST_CASE("PAUSE after STOP keeps the opt-out: no check-in once the pause has run out",
          "[app][keywords]") {
  testing::texting_student x("tuki-keyword-pause-after-stop", t0);
  using std::chrono::days;
  x.text("LOPETA", t0);
  x.text("tauko", t0 + days(1));
  // The STOP wording, not "paused until": the messages do not come back by themselves.
  CHECK_THAT(x.last_out(), Catch::StartsWith("Selvä, et saa enää viestejä"));
  const auto s = x.f.store->get_student(x.sid);
  REQUIRE(s);
  CHECK(s->opted_out);
  CHECK_FALSE(x.f.conv->start_checkin(*x.f.store, x.sid, "weekly_checkin", t0 + days(40)).value());
}
