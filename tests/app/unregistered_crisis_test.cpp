// A crisis message from a number that belongs to no student: the number gets the helpline text
// and the crisis contact an urgent email with the number (conversation::answer_unregistered,
// ticket_desk::alert_unregistered_crisis). Real SQLite file, the shipped dialogs; no network.
#include <algorithm>
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "support/app_fixture.hpp"
#include "support/inbound_sms.hpp"

using namespace tuki;

namespace {

using testing::inbound_sms;

const core::instant t0 = core::from_unix_ms(1'795'503'600'000);
const std::string unknown = "+358409999999";

std::vector<adapters::outbox_job> mails(adapters::sqlite_store& store, core::instant now) {
  return store.claim_jobs("mail", 100, now);
}

}  // namespace

TEST_CASE("a crisis message from an unregistered number is answered and alerts the crisis contact",
          "[app][crisis]") {
  testing::app_fixture f("tuki-unregistered",
                         "    crisis_contact: kriisi@varia.test\n"
                         "    helpline:\n      fi: Soita Sekasin-chattiin\n");
  auto& store = *f.store;
  auto& conv = *f.conv;

  auto out = conv.handle_inbound(store, "console", inbound_sms(unknown, "haluan kuolla", "m1"), t0);
  REQUIRE(out);
  CHECK_FALSE(out->known_sender);
  CHECK(out->crisis);
  CHECK(out->replies == 1);

  // The answer goes out first (crisis priority) to the number itself, with no student.
  auto claimed = store.claim_sms(10, t0).value();
  REQUIRE(claimed.size() == 1);
  CHECK(claimed[0].student_id == 0);
  CHECK(claimed[0].to == unknown);
  CHECK(claimed[0].gateway == "console");
  CHECK_THAT(claimed[0].body, Catch::Contains("Soita Sekasin-chattiin"));

  auto jobs = mails(store, t0);
  REQUIRE(jobs.size() == 1);
  auto job = nlohmann::json::parse(jobs[0].payload);
  CHECK(job["recipients"] == nlohmann::json::array({"kriisi@varia.test"}));
  const std::string mime = job["mime"];
  CHECK_THAT(mime, Catch::Contains(unknown));
  CHECK_THAT(mime, Catch::Contains("To: <kriisi@varia.test>"));
  // Privacy default: the message itself stays out of the email.
  CHECK_THAT(mime, !Catch::Contains("kuolla"));

  SECTION("a second crisis message within the hour is stored, not answered or alerted again") {
    auto again = conv.handle_inbound(store, "console", inbound_sms(unknown, "haluan kuolla", "m2"),
                                     t0 + std::chrono::minutes(20));
    REQUIRE(again);
    CHECK(again->crisis);
    CHECK(again->replies == 0);
    CHECK(store.claim_sms(10, t0 + std::chrono::minutes(20))->empty());
    CHECK(mails(store, t0 + std::chrono::minutes(20)).empty());
    SECTION("after the hour it is answered and alerted again") {
      const auto later = t0 + std::chrono::minutes(61);
      auto third =
          conv.handle_inbound(store, "console", inbound_sms(unknown, "en halua elää", "m3"), later);
      REQUIRE(third);
      CHECK(third->replies == 1);
      CHECK(store.claim_sms(10, later)->size() == 1);
      CHECK(mails(store, later).size() == 1);
    }
  }
  SECTION("another unregistered number is answered on its own") {
    auto other = conv.handle_inbound(
        store, "console", inbound_sms("+358401111111", "I want to kill myself", "m4"), t0);
    REQUIRE(other);
    CHECK(other->replies == 1);
    auto c = store.claim_sms(10, t0).value();
    REQUIRE(c.size() == 1);
    CHECK(c[0].to == "+358401111111");
  }
}

TEST_CASE("the crisis contact and the coordinator are both told, once each", "[app][crisis]") {
  // No ticket means no reminder or escalation: a second person is told at once instead.
  const auto routing = std::filesystem::temp_directory_path() /
                       ("tuki-unregistered-routing-" + std::to_string(::getpid()) + ".yaml");
  auto with_coordinator = [&](const std::string& coordinator) {
    std::ofstream(routing) << "tuki_routing: 1\ninstitution:\n  id: varia\n  coordinator: " << coordinator
                           << "\nfallback_role: study_counsellor\n";
  };
  auto told = [](testing::app_fixture& f) {
    REQUIRE(f.conv->handle_inbound(*f.store, "console", inbound_sms(unknown, "haluan kuolla", "c1"),
                                   t0));
    std::vector<std::string> to;
    for (const auto& j : mails(*f.store, t0))
      to.push_back(nlohmann::json::parse(j.payload)["recipients"][0]);
    std::sort(to.begin(), to.end());
    return to;
  };
  const std::string yaml = "    crisis_contact: kriisi@varia.test\n    routing_file: " + routing.string() + "\n";
  SECTION("two addresses: two emails") {
    with_coordinator("Koordinaattori@varia.test");
    testing::app_fixture f("tuki-unregistered-both", yaml);
    CHECK(told(f) == std::vector<std::string>{"koordinaattori@varia.test", "kriisi@varia.test"});
  }
  SECTION("someone who left is not told; with both gone, nobody is, and the operator hears of it") {
    with_coordinator("koordinaattori@varia.test");
    testing::app_fixture f("tuki-unregistered-left", yaml);
    core::staff_member m;
    m.institution_id = "varia";
    m.email = "kriisi@varia.test";
    m.roles = {"social_worker"};
    core::staff_member c = m;
    c.email = "koordinaattori@varia.test";
    REQUIRE(f.store->upsert_staff({m, c}));
    REQUIRE(f.store->deactivate_staff("varia", {"KRIISI@varia.test"}, t0));
    CHECK(told(f) == std::vector<std::string>{"koordinaattori@varia.test"});
    REQUIRE(f.store->deactivate_staff("varia", {"koordinaattori@varia.test"}, t0));
    REQUIRE(f.conv->handle_inbound(*f.store, "console",
                                   inbound_sms("+358401111111", "haluan kuolla", "c2"), t0));
    CHECK(mails(*f.store, t0).empty());
  }
  SECTION("the same address for both: one email") {
    with_coordinator("KRIISI@varia.test");
    testing::app_fixture f("tuki-unregistered-same", yaml);
    CHECK(told(f) == std::vector<std::string>{"kriisi@varia.test"});
  }
  std::filesystem::remove(routing);
}

TEST_CASE("an unregistered sender is answered in the language the crisis was written in",
          "[app][crisis]") {
  testing::app_fixture f("tuki-unregistered-language",
                         "    crisis_contact: kriisi@varia.test\n"
                         "    helpline:\n      fi: Soita Sekasin-chattiin\n"
                         "      sv: Ring Mieli\n");
  struct row {
    std::string text, reply_words, helpline;  // words only that language's crisis reply has
  };
  const std::vector<row> cases = {
      {"jag vill inte leva längre", "Du är inte ensam", "Ring Mieli"},
      {"haluan kuolla", "Et ole yksin", "Soita Sekasin-chattiin"},
      {"I want to kill myself", "You are not alone", ""},
  };
  int n = 0;
  for (const auto& [text, expect, helpline] : cases) {
    const std::string from = "+35840999000" + std::to_string(n++);
    auto out = f.conv->handle_inbound(*f.store, "console", inbound_sms(from, text, "l" + from), t0);
    REQUIRE(out);
    REQUIRE(out->replies == 1);
    auto claimed = f.store->claim_sms(10, t0).value();
    REQUIRE(claimed.size() == 1);
    INFO(text);
    CHECK_THAT(claimed[0].body, Catch::Contains(expect));
    CHECK_THAT(claimed[0].body, Catch::Contains(helpline));
  }
}

TEST_CASE("an ordinary message from an unregistered number gets no answer and no alert",
          "[app][crisis]") {
  testing::app_fixture f("tuki-unregistered-plain", "    crisis_contact: kriisi@varia.test\n");
  for (const char* text : {"3", "hei kuka olet", "STOP", "ihan ok"}) {
    auto out = f.conv->handle_inbound(*f.store, "console", inbound_sms(unknown, text, text), t0);
    REQUIRE(out);
    CHECK_FALSE(out->crisis);
    CHECK(out->replies == 0);
  }
  CHECK(f.store->claim_sms(10, t0)->empty());
  CHECK(mails(*f.store, t0).empty());
}

TEST_CASE("a national-format unregistered number is answered in E.164; with nobody to alert the "
          "answer still goes",
          "[app][crisis]") {
  testing::app_fixture f("tuki-unregistered-national");  // no crisis contact, no coordinator
  auto out = f.conv->handle_inbound(*f.store, "console",
                                    inbound_sms("040 999 9999", "haluan kuolla", "m1"), t0);
  REQUIRE(out);
  CHECK(out->crisis);
  auto claimed = f.store->claim_sms(10, t0).value();
  REQUIRE(claimed.size() == 1);
  CHECK(claimed[0].to == unknown);
  CHECK(mails(*f.store, t0).empty());
}

TEST_CASE("crisis texts from a sender that is no phone number alert staff once an hour",
          "[app][crisis]") {
  testing::app_fixture f("tuki-unregistered-alpha", "    crisis_contact: kriisi@varia.test\n"
                                                    "    helpline:\n      fi: Soita 112\n");
  auto& store = *f.store;
  for (int i = 0; i < 5; ++i) {
    auto out = f.conv->handle_inbound(
        store, "console", inbound_sms("InfoSMS", "haluan kuolla", "a" + std::to_string(i)),
        t0 + std::chrono::minutes(i));
    REQUIRE(out);
    CHECK(out->crisis);
  }
  CHECK(mails(store, t0 + std::chrono::minutes(10)).size() == 1);
  // Another sender name is another sender; the same one after the hour alerts again.
  REQUIRE(f.conv->handle_inbound(store, "console", inbound_sms("Promo", "haluan kuolla", "b1"),
                                 t0 + std::chrono::minutes(11)));
  REQUIRE(f.conv->handle_inbound(store, "console", inbound_sms("InfoSMS", "haluan kuolla", "c1"),
                                 t0 + std::chrono::minutes(61)));
  CHECK(mails(store, t0 + std::chrono::minutes(70)).size() == 2);
}
