// A keyword the gateway has already answered itself (Twilio's Advanced Opt-Out sends
// OptOutType): tuki acts on it (STOP opts out, START opts in) but does not text the student a
// second answer. Real SQLite file and the shipped dialogs; no network.
#include <catch2/catch.hpp>

#include "support/app_fixture.hpp"
#include "support/inbound_sms.hpp"

using namespace tuki;

namespace {

const core::instant t0 = core::from_unix_ms(1'795'503'600'000);
const std::string phone = "+358401234567";

std::int64_t add_student(testing::app_fixture& f) {
  core::student s;
  s.institution_id = "varia";
  s.ref = "s1";
  s.phone = phone;
  s.first_name = "Aino";
  s.language = "fi";
  REQUIRE(f.store->upsert_student(s, t0, false));
  auto& q = f.store->db().prepare("SELECT id FROM students WHERE student_ref = 's1'");
  REQUIRE(q.step());
  const auto id = q.column_int(0);
  q.reset();
  return id;
}

adapters::inbound_sms answered(const std::string& text, const std::string& id,
                               const std::string& keyword) {
  auto m = testing::inbound_sms(phone, text, id);
  m.keyword_answered = keyword;
  return m;
}

}  // namespace

TEST_CASE("a keyword the gateway answered is acted on but not answered again", "[app][opt_out]") {
  testing::app_fixture f("tuki-keyword-answered");
  auto& store = *f.store;
  const auto sid = add_student(f);

  SECTION("STOP: opted out, no answer of ours") {
    auto r = f.conv->handle_inbound(store, "console", answered("STOP", "m1", "stop"), t0);
    REQUIRE(r);
    CHECK(r->replies == 0);
    CHECK(store.get_student(sid)->opted_out);
    CHECK(store.number_opted_out(phone));
    SECTION("START: opted in again, no answer of ours") {
      auto s = f.conv->handle_inbound(store, "console", answered("START", "m2", "start"),
                                      t0 + std::chrono::minutes(1));
      REQUIRE(s);
      CHECK(s->replies == 0);
      CHECK_FALSE(store.get_student(sid)->opted_out);
    }
  }
  SECTION("without the gateway's word the STOP is answered, as before") {
    auto r =
        f.conv->handle_inbound(store, "console", testing::inbound_sms(phone, "STOP", "m1"), t0);
    REQUIRE(r);
    CHECK(r->replies == 1);
    CHECK(store.get_student(sid)->opted_out);
  }
  SECTION("a gateway answer of another keyword leaves ours") {
    // Twilio answered HELP, tuki read STOP (its lexicons know more words): tuki's answer goes.
    auto r = f.conv->handle_inbound(store, "console", answered("STOP", "m1", "help"), t0);
    REQUIRE(r);
    CHECK(r->replies == 1);
  }
}
