// Probes of the privacy/safety review (/work/reviews/privacy.md). Hidden ([.privacy-probe]): each
// asserts the behaviour the review reports as a defect, so it PASSES while the defect exists and
// fails once it is fixed. Real SQLite files, the shipped dialogs; no network.
#include <sys/stat.h>
#include <sys/types.h>

#include <filesystem>
#include <fstream>
#include <set>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/app_fixture.hpp"
#include "support/inbound_sms.hpp"
#include "support/stderr_capture.hpp"
#include "support/students.hpp"

#include "tuki/adapters/mail/mailer.hpp"
#include "tuki/app/service.hpp"
#include "tuki/core/config/server_url.hpp"
#include "tuki/core/routing/action_link.hpp"

using namespace tuki;
namespace fs = std::filesystem;

namespace {

const core::instant t0 = core::from_unix_ms(1'795'503'600'000);

std::string purpose_of(adapters::sqlite_store& store, std::int64_t id) {
  auto& p = store.db().prepare("SELECT purpose FROM messages WHERE id = ?1");
  p.bind(1, id);
  std::string out = p.step() ? p.column_text(0) : "";
  p.reset();
  return out;
}

void rebuild(testing::app_fixture& f) {
  auto lib = app::load_dialogs(f.cfg);
  REQUIRE(lib);
  f.conv = std::make_unique<app::conversation>(f.cfg, *lib,
                                               app::role_names::load(f.cfg.dialogs_dir).value());
  REQUIRE(f.conv->desk().load_status().is_ok());
}

}  // namespace

TEST_CASE("probe: the shipped placeholder link key forges staff actions on a crisis ticket",
          "[.privacy-probe]") {
  testing::app_fixture f("tuki-probe-secret", "    crisis_contact: kriisi@varia.test\n"
                                              "    helpline:\n      fi: Soita 112\n");
  f.cfg.secret = "change-me-in-production";  // config/tuki.yaml and config/examples/kannel.yaml
  f.cfg.public_url = "https://tuki.example.fi";
  rebuild(f);
  auto& store = *f.store;
  const auto aino = testing::aino();
  REQUIRE(store.upsert_students({aino}, t0));
  REQUIRE(f.conv->handle_inbound(store, "console",
                                 testing::inbound_sms(aino.phone, "haluan kuolla", "c1"), t0));
  const auto ticket = store.db().prepare("SELECT MAX(id) FROM tickets").first_int().value_or(0);
  REQUIRE(ticket > 0);
  (void)store.claim_sms_batch(10, t0);  // the helpline answer goes

  // Anyone who read the repository: a link for the crisis contact (an address on every
  // school's web page), a nonce of their choosing, any expiry.
  auto forge = [&](routing::ticket_action a, const char* nonce) {
    routing::action_link l{std::to_string(ticket), a, "", "kriisi@varia.test",
                           t0 + std::chrono::hours(24 * 365), nonce};
    auto url = routing::make_action_link("change-me-in-production", "https://x", l);
    REQUIRE(url);
    return url->substr(std::string("https://x").size());
  };
  const auto at = t0 + std::chrono::minutes(1);
  auto ack = f.conv->desk().act(store, *f.conv->library(),
                                forge(routing::ticket_action::acknowledge, "forged-1"), at);
  REQUIRE(ack);
  CHECK(ack->http_status == 200);
  CHECK(ack->sms_queued);  // the student in crisis is told a person has seen it
  auto resolve = f.conv->desk().act(store, *f.conv->library(),
                                    forge(routing::ticket_action::resolve, "forged-2"), at);
  REQUIRE(resolve);
  CHECK(resolve->http_status == 200);
  CHECK(resolve->ticket_status == "RESOLVED");  // reminders and escalations end

  // And the service starts with that key while listening on every interface behind a public URL.
  const fs::path dir = f.dir / "svc";
  fs::create_directories(dir);
  auto cfg = config::parse_config(
      "dialogs_dir: " + std::string(TUKI_SOURCE_DIR) + "/dialogs\n" +
          "secret: change-me-in-production\npublic_url: https://tuki.example.fi\n"
          "http:\n  listen: 0.0.0.0\n  port: 0\n"
          "store:\n  path: " + (dir / "tuki.db").string() + "\nmail:\n  type: file\n  dir: " +
          (dir / "mail").string() +
          "\ngateways:\n  - name: kannel\n    type: kannel\n"
          "    sendsms_url: http://127.0.0.1:13013/cgi-bin/sendsms\n    username: u\n"
          "    password: p\n    auth:\n      path_secret: 0123456789abcdef0123\n"
          "institutions:\n  - id: varia\n    gateway: kannel\n",
      "test.yaml", config::process_env());
  INFO(cfg.error().to_string());
  REQUIRE(cfg);
  testing::stderr_capture log(dir / "log.txt");
  auto svc = app::service::create(*cfg);
  const auto logged = log.text();
  INFO(svc.error().to_string());
  CHECK(svc.is_ok());  // only a warning:
  CHECK_THAT(logged, Catch::Contains("weak_link_secret"));
}

TEST_CASE("probe: a STOP stays with the student row, not the number that sent it",
          "[.privacy-probe]") {
  testing::app_fixture f("tuki-probe-optout-number");
  auto& store = *f.store;
  const auto a = testing::aino();
  REQUIRE(store.upsert_students({a}, t0));
  const auto aid = store.find_student_by_phone(a.phone)->id;

  SECTION("the number passes to another student row (re-enrolled under a new id, a data fix)") {
    REQUIRE(f.conv->handle_inbound(store, "console", testing::inbound_sms(a.phone, "STOP", "m1"),
                                   t0));
    REQUIRE(store.get_student(aid)->opted_out);
    (void)store.claim_sms_batch(10, t0);  // the STOP confirmation
    const auto t1 = t0 + std::chrono::hours(24 * 30);
    auto moved = a;
    moved.phone = "+358401111111";
    auto b = testing::aino();
    b.ref = "s2";
    b.first_name = "Aino";
    b.phone = a.phone;
    REQUIRE(store.upsert_students({moved, b}, t1));
    const auto bid = store.find_student_by_phone(a.phone)->id;
    REQUIRE(bid != aid);
    REQUIRE(f.conv->start_checkin(store, bid, "weekly_checkin", t1).value());
    auto c = store.claim_sms_batch(10, t1);
    REQUIRE(c);
    REQUIRE(c->sms.size() == 1);
    CHECK(c->sms[0].to == a.phone);  // the phone that sent STOP gets a check-in
  }
  SECTION("the number sent STOP before it was imported") {
    const std::string phone = "+358402222222";
    REQUIRE(f.conv->handle_inbound(store, "console", testing::inbound_sms(phone, "STOP", "m2"),
                                   t0));
    auto b = testing::aino();
    b.ref = "s3";
    b.phone = phone;
    const auto t1 = t0 + std::chrono::hours(1);
    REQUIRE(store.upsert_students({b}, t1));
    const auto bid = store.find_student_by_phone(phone)->id;
    REQUIRE(f.conv->start_checkin(store, bid, "weekly_checkin", t1).value());
    auto c = store.claim_sms_batch(10, t1);
    REQUIRE(c);
    REQUIRE(c->sms.size() == 1);
    CHECK(c->sms[0].to == phone);
  }
}

TEST_CASE("probe: a dialog question queued before STOP is sent after it", "[.privacy-probe]") {
  testing::app_fixture f("tuki-probe-stop-race");
  auto& store = *f.store;
  const auto a = testing::aino();
  REQUIRE(store.upsert_students({a}, t0));
  const auto sid = store.find_student_by_phone(a.phone)->id;
  REQUIRE(f.conv->start_checkin(store, sid, "weekly_checkin", t0).value());
  REQUIRE(store.claim_sms_batch(10, t0)->sms.size() == 1);  // q1 went
  const auto t1 = t0 + std::chrono::minutes(5);
  // "2": the dialog asks its next question (a reply, priority 1). The gateway is slow or down
  // (a retry in backoff, a rate limit, quiet hours began): it has not gone yet when...
  REQUIRE(f.conv->handle_inbound(store, "console", testing::inbound_sms(a.phone, "2", "m1"), t1));
  // ... the student sends STOP.
  REQUIRE(f.conv->handle_inbound(store, "console", testing::inbound_sms(a.phone, "STOP", "m2"),
                                 t1 + std::chrono::seconds(30)));
  REQUIRE(store.get_student(sid)->opted_out);
  auto c = store.claim_sms_batch(10, t1 + std::chrono::minutes(1));
  REQUIRE(c);
  CHECK(c->withheld == 0);
  std::vector<std::string> purposes;
  for (const auto& m : c->sms) purposes.push_back(purpose_of(store, m.id));
  CAPTURE(purposes);
  // The question goes first, then the STOP confirmation.
  REQUIRE(purposes.size() == 2);
  CHECK(purposes[0] == "question");
  CHECK(purposes[1] == "keyword");
}

TEST_CASE("probe: PAUSE after STOP lifts the opt-out when the pause ends", "[.privacy-probe]") {
  testing::app_fixture f("tuki-probe-pause-after-stop");
  auto& store = *f.store;
  const auto a = testing::aino();
  REQUIRE(store.upsert_students({a}, t0));
  const auto sid = store.find_student_by_phone(a.phone)->id;
  REQUIRE(f.conv->handle_inbound(store, "console", testing::inbound_sms(a.phone, "STOP", "m1"),
                                 t0));
  REQUIRE(store.get_student(sid)->opted_out);
  REQUIRE(f.conv->handle_inbound(store, "console", testing::inbound_sms(a.phone, "TAUKO", "m2"),
                                 t0 + std::chrono::minutes(1)));
  const auto s = store.get_student(sid);
  CHECK_FALSE(s->opted_out);  // never sent START
  REQUIRE(s->paused_until);
  const auto later = *s->paused_until + std::chrono::hours(1);
  CHECK(f.conv->start_checkin(store, sid, "weekly_checkin", later).value());
}

TEST_CASE("probe: the store and staff mail files are readable by every local user",
          "[.privacy-probe]") {
  const mode_t old = ::umask(022);  // the usual default umask
  testing::app_fixture f("tuki-probe-modes");
  auto& store = *f.store;
  REQUIRE(store.upsert_students({testing::aino()}, t0));
  struct stat st{};
  REQUIRE(::stat((f.dir / "tuki.db").c_str(), &st) == 0);
  CHECK((st.st_mode & S_IROTH) != 0);  // phone numbers, replies (crisis texts), tickets
  if (::stat((f.dir / "tuki.db-wal").c_str(), &st) == 0) CHECK((st.st_mode & S_IROTH) != 0);

  config::mail_settings m;
  m.type = "file";
  m.dir = (f.dir / "mail").string();
  m.from = "tuki@varia.test";
  auto mailer = adapters::make_file_mailer(m);
  auto sent = mailer->send({"tuki@varia.test", {"kriisi@varia.test"}, "Subject: x\r\n\r\n+358409999999\r\n"});
  REQUIRE(sent.status.is_ok());
  for (const auto& e : fs::directory_iterator(f.dir / "mail")) {
    REQUIRE(::stat(e.path().c_str(), &st) == 0);
    CHECK((st.st_mode & S_IROTH) != 0);
  }
  ::umask(old);
}

TEST_CASE("probe: an SMTP password with '#' or '?' is shown in a configuration error",
          "[.privacy-probe]") {
  CHECK(config::redact_url("smtp://tuki:pa#ss@mail.example:587") ==
        "smtp://tuki:pa#ss@mail.example:587");
  CHECK(config::redact_url("smtp://tuki:pa?ss@mail.example:587") ==
        "smtp://tuki:pa?ss@mail.example:587");
  auto c = config::parse_config(
      "mail:\n  type: smtp\n  url: smtp://tuki:Kx9#Tr2@mail.example:587\n  from: t@varia.test\n",
      "test.yaml", config::process_env());
  REQUIRE_FALSE(c);
  CHECK_THAT(c.error().message(), Catch::Contains("Kx9#Tr2"));
}

TEST_CASE("probe: a webhook with an empty secret is accepted and signed with an empty key",
          "[.privacy-probe]") {
  auto c = config::parse_config(
      "gateways:\n  - name: console\n    type: console\n"
      "institutions:\n  - id: varia\n    gateway: console\n"
      "    webhook:\n      url: https://hooks.example/x\n      secret: \"\"\n",
      "test.yaml", config::process_env());
  INFO((c ? "" : c.error().to_string()));
  REQUIRE(c);
  CHECK(c->institutions[0].webhook.secret.empty());
}

TEST_CASE("probe: a crisis from an unknown number reaches no webhook, only a log line",
          "[.privacy-probe]") {
  // An institution whose staff are reached by a Teams/Slack webhook, without an email crisis
  // contact or coordinator.
  testing::app_fixture f("tuki-probe-unreg-webhook",
                         "    helpline:\n      fi: Soita 112\n"
                         "    webhook:\n      url: https://hooks.example/x\n      secret: s\n");
  auto& store = *f.store;
  testing::stderr_capture log(f.dir / "log.txt");
  auto out = f.conv->handle_inbound(
      store, "console", testing::inbound_sms("+358409999999", "haluan kuolla", "u1"), t0);
  const auto logged = log.text();
  REQUIRE(out);
  CHECK(out->crisis);
  CHECK(store.claim_jobs("webhook", 10, t0).empty());
  CHECK(store.claim_jobs("mail", 10, t0).empty());
  CHECK_THAT(logged, Catch::Contains("unregistered_crisis_unrouted"));
}

TEST_CASE("probe (negative): the log of a crisis and a ticket carries no number and no text",
          "[.privacy-probe]") {
  testing::app_fixture f("tuki-probe-log", "    crisis_contact: kriisi@varia.test\n"
                                           "    helpline:\n      fi: Soita 112\n");
  auto& store = *f.store;
  const auto a = testing::aino();
  REQUIRE(store.upsert_students({a}, t0));
  testing::stderr_capture log(f.dir / "log.txt");
  REQUIRE(f.conv->handle_inbound(store, "console",
                                 testing::inbound_sms("+358409999999", "haluan kuolla", "u1"), t0));
  REQUIRE(f.conv->handle_inbound(store, "console",
                                 testing::inbound_sms(a.phone, "haluan kuolla", "u2"), t0));
  const auto logged = log.text();
  CAPTURE(logged);
  CHECK_THAT(logged, Catch::Contains("crisis_unregistered_sender"));
  CHECK_THAT(logged, !Catch::Contains("358409999999") && !Catch::Contains("358401234567"));
  CHECK_THAT(logged, !Catch::Contains("kuolla"));
}

TEST_CASE("probe: crisis texts from a sender that is no phone number alert staff every time",
          "[.privacy-probe]") {
  testing::app_fixture f("tuki-probe-alpha-sender", "    crisis_contact: kriisi@varia.test\n"
                                                    "    helpline:\n      fi: Soita 112\n");
  auto& store = *f.store;
  for (int i = 0; i < 5; ++i)
    REQUIRE(f.conv->handle_inbound(
        store, "console",
        testing::inbound_sms("InfoSMS", "haluan kuolla", "a" + std::to_string(i)),
        t0 + std::chrono::minutes(i)));
  // One alert an hour per number for real numbers; none of that for "InfoSMS".
  CHECK(store.claim_jobs("mail", 100, t0 + std::chrono::minutes(10)).size() == 5);
  // The same from a phone number: one alert.
  for (int i = 0; i < 5; ++i)
    REQUIRE(f.conv->handle_inbound(
        store, "console",
        testing::inbound_sms("+358409999999", "haluan kuolla", "p" + std::to_string(i)),
        t0 + std::chrono::minutes(i)));
  CHECK(store.claim_jobs("mail", 100, t0 + std::chrono::minutes(10)).size() == 1);
}

TEST_CASE("probe: a problem written by a student who opted out or paused reaches no staff",
          "[.privacy-probe]") {
  testing::app_fixture f("tuki-probe-optout-help");
  auto& store = *f.store;
  auto a = testing::aino("en");
  auto b = testing::aino("en");
  b.ref = "s2";
  b.phone = "+358403333333";
  REQUIRE(store.upsert_students({a, b}, t0));
  const std::string text = "I am failing maths and I need help";
  // Control: a student who gets messages has a ticket opened.
  auto control = f.conv->handle_inbound(store, "console", testing::inbound_sms(b.phone, text, "c1"), t0);
  REQUIRE(control);
  REQUIRE(control->tickets == 1);
  // The same words from one who sent STOP a week ago: stored, no ticket, no staff notice.
  REQUIRE(f.conv->handle_inbound(store, "console", testing::inbound_sms(a.phone, "STOP", "m1"), t0));
  const auto later = t0 + std::chrono::hours(24 * 7);
  auto out = f.conv->handle_inbound(store, "console", testing::inbound_sms(a.phone, text, "m2"), later);
  REQUIRE(out);
  CHECK(out->known_sender);
  CHECK_FALSE(out->crisis);
  CHECK(out->tickets == 0);
  CHECK(out->replies == 0);
}
