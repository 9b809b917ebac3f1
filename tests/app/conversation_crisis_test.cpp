// A crisis message from a registered student (conversation::handle_inbound): the helpline reply
// and the ticket must not depend on anything the staff email could fail at. Real SQLite file,
// the shipped dialogs; no network.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/app_fixture.hpp"
#include "support/students.hpp"

using namespace tuki;

namespace {

const core::instant t0 = core::from_unix_ms(1'795'503'600'000);

}  // namespace

TEST_CASE("a crisis SMS is answered and opens a ticket even when no action link can be made",
          "[app][crisis][tickets]") {
  testing::app_fixture f("tuki-crisis-links",
                         "    crisis_contact: kriisi@varia.test\n"
                         "    helpline:\n      fi: Soita 112\n");
  // Staff emails with action links: a link key and a public URL.
  f.cfg.secret = "link-key";
  f.cfg.public_url = "https://tuki.test";
  auto lib = app::load_dialogs(f.cfg);
  REQUIRE(lib);
  f.conv = std::make_unique<app::conversation>(f.cfg, *lib,
                                               app::role_names::load(f.cfg.dialogs_dir).value());
  REQUIRE(f.conv->desk().load_status().is_ok());
  // make_action_link refuses every link (a nonce must be 8..64 [A-Za-z0-9_-]), as it refused a
  // role outside that alphabet before the routing loader did.
  f.conv->desk().set_nonce_source([] { return std::string("short"); });
  core::staff_member nurse;
  nurse.institution_id = "varia";
  nurse.email = "hoitaja@varia.test";
  nurse.roles = {"nurse"};
  REQUIRE(f.store->upsert_staff({nurse}));
  const auto aino = testing::aino();
  REQUIRE(f.store->upsert_students({aino}, t0));

  adapters::inbound_sms sms;
  sms.from = aino.phone;
  sms.text = "haluan kuolla";
  sms.gateway_id = "c1";
  auto out = f.conv->handle_inbound(*f.store, "console", sms, t0);
  INFO((out ? "" : out.error().to_string()));
  REQUIRE(out);
  CHECK(out->crisis);
  CHECK(out->tickets == 1);

  auto queued = f.store->claim_sms(10, t0).value();
  bool helpline = false;
  for (const auto& m : queued) helpline |= m.body.find("Soita 112") != std::string::npos;
  CHECK(helpline);
  CHECK(f.store->db().prepare("SELECT COUNT(*) FROM tickets WHERE status = 'OPENED'").first_int() ==
        1);
  std::set<std::string> told;
  for (const auto& j : f.store->claim_jobs("mail", 10, t0))
    told.insert(nlohmann::json::parse(j.payload)["recipients"][0].get<std::string>());
  CHECK(told == std::set<std::string>{"hoitaja@varia.test", "kriisi@varia.test"});
}
