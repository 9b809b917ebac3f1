// The whole service in-process on loopback: real SQLite file, real HTTP server on port 0, real
// HTTP client, the console gateway and the file mailer; the shipped dialogs.
#include "tuki/app/service.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "support/raw_http.hpp"
#include "support/running_service.hpp"
#include "support/silent_server.hpp"
#include "support/stderr_capture.hpp"
#include "support/students.hpp"

#include "tuki/adapters/gateway/twilio_signature.hpp"
#include "tuki/app/conversation.hpp"
#include "tuki/app/log.hpp"
#include "tuki/app/role_names.hpp"
#include "tuki/app/wall_clock.hpp"
#include "tuki/core/crypto/hmac.hpp"
#include "tuki/core/text/url_encoding.hpp"

using namespace tuki;
namespace fs = std::filesystem;
using testing::stderr_capture;

namespace {

struct fixture {
  fs::path dir;
  config::config cfg;
  fixture() {
    dir = fs::temp_directory_path() / ("tuki-service-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::string yaml = "dialogs_dir: " + std::string(TUKI_SOURCE_DIR) + "/dialogs\n" +
                       "http:\n  port: 0\nstore:\n  path: " + (dir / "tuki.db").string() +
                       "\nmail:\n  type: file\n  dir: " + (dir / "mail").string() +
                       "\ngateways:\n  - name: console\n    type: console\n"
                       "institutions:\n  - id: varia\n    gateway: console\n    crisis_contact: kriisi@varia.test\n"
                       "    helpline:\n      fi: Soita 112\n";
    auto c = config::parse_config(yaml, "test.yaml", config::process_env());
    INFO(c.error().to_string());
    REQUIRE(c);
    cfg = *c;
  }
  ~fixture() { fs::remove_all(dir); }
};

using app::wall_now;

core::http_response fetch(adapters::http_client& client, const std::string& url,
                          std::string method = "GET", std::vector<core::http_header> headers = {},
                          std::string body = "") {
  std::promise<core::http_response> p;
  client.submit({std::move(method), url, std::move(headers), std::move(body), ""},
                [&p](core::http_response r, std::string) { p.set_value(r); });
  return p.get_future().get();
}

// Student s1 (+358401234567, Finnish) with the shipped weekly check-in started: its opening SMS
// is queued for the institution's gateway.
void start_weekly_checkin(const config::config& cfg) {
  auto store = app::open_store(cfg);
  REQUIRE(store);
  auto s = testing::aino();
  s.campus = "Tikkurila";
  REQUIRE((*store)->upsert_students({s}, wall_now()));
  auto lib = app::load_dialogs(cfg);
  INFO(lib.error().to_string());
  REQUIRE(lib);
  app::conversation conv(cfg, *lib, app::role_names::load(cfg.dialogs_dir).value());
  REQUIRE((*store)->begin().is_ok());
  auto started = conv.start_checkin(**store, (*store)->find_student_by_phone(s.phone)->id,
                                    "weekly_checkin", wall_now());
  REQUIRE(started);
  CHECK(*started);
  REQUIRE((*store)->commit().is_ok());
}

std::vector<std::string> sent_texts(const config::config& cfg) {
  auto store = app::open_store(cfg);
  REQUIRE(store);
  std::vector<std::string> out;
  auto& q = (*store)->db().prepare("SELECT body FROM messages WHERE direction = 'out' ORDER BY id");
  while (q.step()) out.push_back(q.column_text(0));
  q.reset();
  return out;
}

}  // namespace

TEST_CASE("a reply through the HTTP endpoint steps the dialog, opens a ticket and mails staff", "[app][service]") {
  fixture f;
  {
    auto store = app::open_store(f.cfg);
    REQUIRE(store);
    core::staff_member k;
    k.institution_id = "varia";
    k.email = "kuraattori@varia.test";
    k.roles = {"social_worker"};
    REQUIRE((*store)->upsert_staff({k}));
  }
  start_weekly_checkin(f.cfg);
  testing::running_service running(f.cfg);
  auto& client = running.client;
  const std::string& base = running.base;
  CHECK(fetch(client, base + "/healthz").status == 200);
  for (auto [id, text] : {std::pair{"m1", "2"}, {"m2", "1"}, {"m3", "2"}}) {
    auto r = fetch(client, base + "/v1/gateways/console/inbound?from=%2B358401234567&text=" +
                               std::string(text) + "&id=" + id);
    CHECK(r.status == 200);
  }
  // Kannel-style retry of the same id is stored once.
  CHECK(fetch(client, base + "/v1/gateways/console/inbound?from=%2B358401234567&text=2&id=m3").status == 200);
  CHECK(fetch(client, base + "/v1/gateways/console/inbound?text=2").status == 400);
  CHECK(fetch(client, base + "/v1/gateways/nope/inbound?from=1&text=2").status == 404);
  // Wait for the mail worker to write the ticket email.
  bool mailed = false;
  for (int i = 0; i < 100 && !mailed; ++i) {
    if (fs::exists(f.dir / "mail"))
      for (auto& e : fs::directory_iterator(f.dir / "mail")) mailed |= e.path().extension() == ".eml";
    if (!mailed) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(mailed);
  auto metrics = fetch(client, base + "/metrics");
  CHECK(metrics.status == 200);
  CHECK_THAT(metrics.body, Catch::Contains("tuki_messages_total{direction=\"in\",status=\"received\"} 3"));
  CHECK_THAT(metrics.body, Catch::Contains("\ntuki_message_counts_age_seconds "));
  CHECK_THAT(metrics.body, Catch::Contains("tuki_http_requests_total{route=\"gateway_inbound\",status=\"200\"} 4"));
  // Every answered request is in its route's duration histogram: the four 200s, the 400 and the 404.
  CHECK_THAT(metrics.body, Catch::Contains("# TYPE tuki_http_request_duration_seconds histogram\n"));
  CHECK_THAT(metrics.body, Catch::Contains("tuki_http_request_duration_seconds_bucket{route=\"gateway_inbound\",le=\"+Inf\"} 6\n"));
  CHECK_THAT(metrics.body, Catch::Contains("tuki_http_request_duration_seconds_count{route=\"gateway_inbound\"} 6\n"));
  // Group-commit counters: at least the four inbound jobs, in at most as many transactions.
  auto counter = [&](const std::string& name) -> long long {
    auto at = metrics.body.find("\n" + name + " ");
    return at == std::string::npos ? -1 : std::stoll(metrics.body.substr(at + name.size() + 2));
  };
  CHECK(counter("tuki_store_jobs_total") >= 4);
  CHECK(counter("tuki_store_batches_total") >= 1);
  CHECK(counter("tuki_store_batches_total") <= counter("tuki_store_jobs_total"));
  // A file store with synchronous=full is made durable by the sync thread: every reported batch
  // was covered by a WAL sync, and one sync may cover several batches.
  CHECK(counter("tuki_store_syncs_total") >= 1);
  CHECK(counter("tuki_store_syncs_total") <= counter("tuki_store_batches_total"));
  CHECK(counter("tuki_wal_checkpoint_frames_total") >= 0);
  CHECK(counter("tuki_wal_checkpoint_writebacks_total") >= 0);  // present
  CHECK(counter("tuki_wal_restarts_total") >= 0);  // present (-1 when missing)
  // Bytes that are not UTF-8 are stored as U+FFFD, not as they came: the text goes into JSON.
  CHECK(fetch(client, base + "/v1/gateways/console/inbound?from=%2B358401234567&text=%FF%FEhei&id=m9")
            .status == 200);
  running.stop();
  {
    auto store = app::open_store(f.cfg);
    REQUIRE(store);
    auto& q = (*store)->db().prepare("SELECT body FROM messages WHERE gateway_id = 'm9'");
    REQUIRE(q.step());
    CHECK(q.column_text(0) == "\uFFFD\uFFFDhei");
    q.reset();
  }
  auto texts = sent_texts(f.cfg);
  REQUIRE(texts.size() >= 4);  // q1, q2, q3, ticket confirmation
  CHECK_THAT(texts[0], Catch::Contains("Aino"));
  bool role_named = false;
  for (auto& t : texts) role_named |= t.find("{staff_role}") == std::string::npos && t.find("kuraattori") != std::string::npos;
  CHECK(role_named);
  for (auto& e : fs::directory_iterator(f.dir / "mail")) {
    std::ifstream in(e.path());
    std::string mail((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK_THAT(mail, Catch::Contains("X-Tuki-Envelope-To: kuraattori@varia.test"));
  }
}

TEST_CASE("HEAD reaches health, metrics and the ticket page, never a route that acts",
          "[app][service]") {
  fixture f;
  testing::running_service running(f.cfg);
  const auto port = running.svc->port();
  auto head = [port](const std::string& target) {
    return testing::exchange_raw(
        port, "HEAD " + target + " HTTP/1.1\r\nHost: tuki\r\nConnection: close\r\n\r\n");
  };
  for (const char* target : {"/healthz", "/metrics", "/t/1"}) {
    INFO(target);
    CHECK_THAT(head(target),
               Catch::StartsWith("HTTP/1.1 200 OK\r\n") && Catch::EndsWith("\r\n\r\n"));
  }
  // What a link preview or a monitor might send: none of it stores or acts.
  for (const char* target :
       {"/v1/gateways/console/inbound?from=%2B358401234567&text=hei&id=h1",
        "/v1/gateways/console/dlr?msgid=1&status=1", "/t/1/acknowledge?exp=1&sig=x"}) {
    INFO(target);
    CHECK_THAT(head(target), Catch::StartsWith("HTTP/1.1 405 Method Not Allowed\r\n") &&
                                 Catch::Contains("\r\nAllow: GET, POST\r\n"));
  }
  running.stop();
  auto store = app::open_store(f.cfg);
  REQUIRE(store);
  auto& q = (*store)->db().prepare("SELECT count(*) FROM messages");
  REQUIRE(q.step());
  CHECK(q.column_int(0) == 0);
  q.reset();
}

TEST_CASE("a crisis text from an unregistered number is sent the helpline text and mailed to the "
          "crisis contact",
          "[app][service][crisis]") {
  fixture f;
  testing::running_service running(f.cfg);
  auto& client = running.client;
  const std::string& base = running.base;
  CHECK(fetch(client, base + "/v1/gateways/console/inbound?from=%2B358409999999&text=haluan%20kuolla&id=u1")
            .status == 200);
  // The outbox pump sends the answer (it has no student: the number is on the message) and the
  // mail worker writes the alert.
  std::string status, mail;
  for (int i = 0; i < 100 && (status != "sent" || mail.empty()); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto store = app::open_store(f.cfg);
    REQUIRE(store);
    auto& q = (*store)->db().prepare(
        "SELECT status FROM messages WHERE direction = 'out' AND phone = '+358409999999'");
    if (q.step()) status = q.column_text(0);
    q.reset();
    if (fs::exists(f.dir / "mail"))
      for (auto& e : fs::directory_iterator(f.dir / "mail")) {
        std::ifstream in(e.path());
        mail.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      }
  }
  running.stop();
  CHECK(status == "sent");
  CHECK_THAT(mail, Catch::Contains("X-Tuki-Envelope-To: kriisi@varia.test"));
  CHECK_THAT(mail, Catch::Contains("+358409999999"));
  auto texts = sent_texts(f.cfg);
  REQUIRE(texts.size() == 1);
  CHECK_THAT(texts[0], Catch::Contains("Soita 112"));
}

namespace {

// The shipped dialogs, HTTP on port 0, and `rest` of a configuration file named test.yaml.
config::config service_config(const std::string& rest) {
  auto c = config::parse_config("dialogs_dir: " + std::string(TUKI_SOURCE_DIR) +
                                    "/dialogs\nhttp:\n  port: 0\n" + rest,
                                "test.yaml", config::process_env());
  INFO(c.error().to_string());
  REQUIRE(c);
  return *c;
}

}  // namespace

TEST_CASE(
    "a reply whose answer fails for good is answered 200, kept and counted; a storage error "
    "is answered 503",
    "[app][service][crisis]") {
  fixture f;
  const bool for_good = GENERATE(true, false);
  {
    auto store = app::open_store(f.cfg);
    REQUIRE(store);
    REQUIRE((*store)->upsert_students({testing::aino()}, wall_now()));
    // Every outbound SMS refused: as a constraint (a retry would fail the same way), or failing
    // as SQLite's own errors do.
    REQUIRE((*store)->db().exec(std::string("CREATE TRIGGER refuse_out BEFORE INSERT ON messages "
                                            "WHEN NEW.direction = 'out' BEGIN ") +
                                (for_good ? "SELECT RAISE(ABORT, 'outbound refused');"
                                          : "SELECT abs(-9223372036854775807 - 1);") +
                                " END"));
  }
  testing::running_service running(f.cfg);
  auto r =
      fetch(running.client,
            running.base +
                "/v1/gateways/console/inbound?from=%2B358401234567&text=haluan%20kuolla&id=x1");
  CHECK(r.status == (for_good ? 200 : 503));
  const std::string metrics = fetch(running.client, running.base + "/metrics").body;
  auto store = app::open_store(f.cfg);
  REQUIRE(store);
  auto& q = (*store)->db().prepare("SELECT COUNT(*) FROM messages WHERE direction = 'in'");
  REQUIRE(q.step());
  CHECK(q.column_int(0) == (for_good ? 1 : 0));
  q.reset();
  if (for_good)
    CHECK_THAT(metrics, Catch::Contains("tuki_inbound_unanswered_total 1"));
  else
    CHECK_THAT(metrics, !Catch::Contains("tuki_inbound_unanswered_total"));
}

TEST_CASE("a configuration error stops the service before it creates the store", "[app][service]") {
  fixture f;
  auto state = f.dir / "state";
  // Parsed: the driver's options are checked when the driver is made.
  auto cfg = service_config("store:\n  path: " + (state / "tuki.db").string() +
                            "\ngateways:\n  - name: kannel\n    type: kannel\n"
                            "    sendsms_url: http://127.0.0.1:13013/cgi-bin/sendsms\n"
                            "    username: tuki\n"
                            "institutions:\n  - id: varia\n    gateway: kannel\n");
  auto svc = app::service::create(cfg);
  REQUIRE_FALSE(svc);
  CHECK(svc.error().message() == "test.yaml:7:5: gateway 'kannel': option 'password' is required");
  CHECK_FALSE(fs::exists(state));
}

TEST_CASE("a gateway that sends replies without a message id is logged once", "[app][service]") {
  fixture f;
  std::string log;
  {
    stderr_capture capture(f.dir / "stderr.log");
    testing::running_service running(f.cfg);
    for (const char* text : {"hei", "moi"})
      CHECK(fetch(running.client,
                  running.base + "/v1/gateways/console/inbound?from=%2B358401234599&text=" + text)
                .status == 200);
    CHECK(fetch(running.client,
                running.base + "/v1/gateways/console/inbound?from=%2B358401234599&text=3&id=m1")
              .status == 200);
    running.stop();
    log = capture.text();
  }
  INFO(log);
  const std::string event = "event=inbound_without_id gateway=console";
  REQUIRE_THAT(log, Catch::Contains(event));
  CHECK(log.find(event) == log.rfind(event));  // once, not once a reply
  CHECK_THAT(log, Catch::Contains("id=%I"));
  CHECK_THAT(log, !Catch::Contains("358401234599"));
}

namespace {
// Starts the service on `cfg`, stops it once it listens, and returns what it logged.
std::string start_and_stop_log(const fixture& f, const config::config& cfg) {
  std::string log;
  {
    testing::stderr_capture capture(f.dir / "stderr.log");
    auto svc = app::service::create(cfg);
    REQUIRE(svc);
    std::thread runner([&] { (*svc)->run(); });
    while ((*svc)->port() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    (*svc)->request_stop();
    runner.join();
    log = capture.text();
  }
  app::set_log_level(app::log_level::info);
  return log;
}
}  // namespace

TEST_CASE("credentials in gateway and mail URLs do not reach the log", "[app][service]") {
  fixture f;
  auto cfg = service_config("log_level: debug\nstore:\n  path: " + (f.dir / "tuki.db").string() +
                            "\nmail:\n  type: smtp\n  url: smtp://tuki:m41l-s3cret@127.0.0.1:1\n"
                            "  password: m41l-pa55\n"
                            "gateways:\n  - name: kannel\n    type: kannel\n"
                            "    sendsms_url: http://gw:url-s3cret@127.0.0.1:1/cgi-bin/sendsms\n"
                            "    username: tuki\n    password: kannel-s3cret\n"
                            "  - name: tw\n    type: twilio\n    account_sid: AC123\n"
                            "    auth_token: twilio-s3cret\n    from: \"+358401111111\"\n"
                            "institutions:\n  - id: varia\n    gateway: kannel\n");
  const std::string log = start_and_stop_log(f, cfg);
  INFO(log);
  CHECK_THAT(log, Catch::Contains("event=listening"));
  // The Kannel gateway has no auth: allowed on loopback, with a warning.
  CHECK_THAT(log, Catch::Contains("event=gateway_unauthenticated gateway=kannel listen=127.0.0.1"));
  for (const char* secret : {"m41l-s3cret", "m41l-pa55", "url-s3cret", "kannel-s3cret", "twilio-s3cret"})
    CHECK_THAT(log, !Catch::Contains(secret));
}

TEST_CASE("an institution with neither a crisis contact nor a coordinator is warned of at start",
          "[app][service]") {
  fixture f;
  const std::string store = "store:\n  path: " + (f.dir / "tuki.db").string() +
                            "\nmail:\n  type: file\n  dir: " + (f.dir / "mail").string() +
                            "\ngateways:\n  - name: console\n    type: console\n";
  // Staff reached through a webhook only: a crisis from an unknown number would reach nobody.
  const auto bare = start_and_stop_log(
      f, service_config(store + "institutions:\n  - id: varia\n    gateway: console\n"
                                "    webhook:\n      url: https://hooks.example/x\n"
                                "      secret: Zq3-long_random.secret~1\n"));
  CHECK_THAT(bare, Catch::Contains("event=crisis_contact_missing institution=varia"));
  const auto told = start_and_stop_log(
      f, service_config(store + "institutions:\n  - id: varia\n    gateway: console\n"
                                "    crisis_contact: kriisi@varia.test\n"));
  CHECK_THAT(told, !Catch::Contains("crisis_contact_missing"));
}

TEST_CASE("a gateway that admits anything on this host is warned of when public_url is elsewhere",
          "[app][service]") {
  fixture f;
  const std::string gateways =
      "gateways:\n  - name: kannel\n    type: kannel\n"
      "    sendsms_url: http://127.0.0.1:1/cgi-bin/sendsms\n"
      "    username: tuki\n    password: kannel\n    auth:\n      allow_ips: [127.0.0.1]\n"
      "  - name: guarded\n    type: kannel\n"
      "    sendsms_url: http://127.0.0.1:1/cgi-bin/sendsms\n"
      "    username: tuki\n    password: kannel\n"
      "    auth:\n      path_secret: Zq3-long_random.secret~1\n"
      "institutions:\n  - id: varia\n    gateway: kannel\n";
  const std::string store = "store:\n  path: " + (f.dir / "tuki.db").string() + "\n";
  // Behind a TLS proxy on this host, every request comes from 127.0.0.1.
  const auto proxied = start_and_stop_log(
      f, service_config("public_url: https://tuki.varia.fi\n" + store + gateways));
  INFO(proxied);
  CHECK_THAT(proxied, Catch::Contains("event=gateway_trusts_this_host gateway=kannel "
                                      "public_url=https://tuki.varia.fi"));
  CHECK_THAT(proxied, !Catch::Contains("gateway_trusts_this_host gateway=guarded"));
  const auto local = start_and_stop_log(f, service_config(store + gateways));
  CHECK_THAT(local, Catch::Contains("event=listening"));
  CHECK_THAT(local, !Catch::Contains("gateway_trusts_this_host"));
}

TEST_CASE(
    "a gateway that never answers times out after outbox.request_timeout_ms and the SMS "
    "waits for a retry",
    "[app][service]") {
  fixture f;
  testing::silent_server silent;  // a gateway that never answers
  const auto port = std::to_string(silent.port());
  auto cfg = service_config("store:\n  path: " + (f.dir / "tuki.db").string() +
                            "\nmail:\n  type: file\n  dir: " + (f.dir / "mail").string() +
                            "\noutbox:\n  request_timeout_ms: 300\n"
                            "gateways:\n  - name: kannel\n    type: kannel\n"
                            "    sendsms_url: http://127.0.0.1:" +
                            port +
                            "/cgi-bin/sendsms\n"
                            "    username: tuki\n"
                            "    password: kannel\n"
                            "institutions:\n  - id: varia\n    gateway: kannel\n");
  start_weekly_checkin(cfg);
  std::string detail, status;
  {
    testing::running_service running(cfg);
    // Bounded wait for the first attempt's outcome; with the default 15 s it would not come.
    auto store = app::open_store(cfg);
    REQUIRE(store);
    for (int i = 0; i < 100 && detail.empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      auto& q = (*store)->db().prepare(
          "SELECT h.detail, m.status FROM message_status h JOIN messages m ON m.id = h.message_id "
          "WHERE h.detail LIKE '%timed out%' LIMIT 1");
      if (q.step()) {
        detail = q.column_text(0);
        status = q.column_text(1);
      }
      q.reset();
    }
    running.stop();
  }
  silent.stop();
  INFO(detail);
  CHECK_THAT(detail, Catch::Contains("timed out after 300 ms"));
  CHECK(status == "queued");  // kept for a retry, not failed
}

TEST_CASE(
    "a failed store of send outcomes is tried again until it is stored: no SMS is left "
    "sending",
    "[app][service][outbox]") {
  fixture f;
  start_weekly_checkin(f.cfg);
  auto store = app::open_store(f.cfg);
  REQUIRE(store);
  // The store of an accepted send fails (its history row is refused) while refuse_sent has a row.
  REQUIRE(
      (*store)->db().exec("CREATE TABLE refuse_sent (x); INSERT INTO refuse_sent VALUES (1); "
                          "CREATE TRIGGER refuse_sent_history BEFORE INSERT ON message_status "
                          "WHEN NEW.status = 'sent' AND EXISTS (SELECT 1 FROM refuse_sent) "
                          "BEGIN SELECT RAISE(ABORT, 'injected store failure'); END;"));
  auto status = [&] {
    auto& q = (*store)->db().prepare("SELECT status FROM messages WHERE direction = 'out'");
    std::string out = q.step() ? q.column_text(0) : "";
    q.reset();
    return out;
  };
  std::string log, during, after;
  {
    stderr_capture capture(f.dir / "stderr.log");
    testing::running_service running(f.cfg);
    auto logged = [&] {
      std::ifstream in(f.dir / "stderr.log");
      return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    };
    // Bounded waits: for the failed store, then (the refusal lifted) for the retried one.
    for (int i = 0; i < 200 && logged().find("outbox_store_failed") == std::string::npos; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    during = status();
    REQUIRE((*store)->db().exec("DELETE FROM refuse_sent"));
    for (int i = 0; i < 200 && (after = status()) == "sending"; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    running.stop();
    log = capture.text();
  }
  INFO(log);
  CHECK_THAT(log, Catch::Contains("event=outbox_store_failed"));
  CHECK(during == "sending");
  CHECK(after == "sent");  // stored while running, not left for a restart
}

TEST_CASE("an opt-out in a Twilio or http_json delivery report opts the student out",
          "[app][service][delivery]") {
  fixture f;
  auto cfg = service_config(
      "public_url: https://tuki.example.fi\nstore:\n  path: " + (f.dir / "tuki.db").string() +
      "\nmail:\n  type: file\n  dir: " + (f.dir / "mail").string() +
      "\ngateways:\n"
      "  - name: tw\n    type: twilio\n    account_sid: AC123\n    auth_token: tw-token\n"
      "    from: \"+358401111111\"\n    base_url: http://127.0.0.1:1\n"
      "  - name: hj\n    type: http_json\n    send:\n      url: http://127.0.0.1:1/send\n"
      "    dlr:\n      status_map: {DELIVERED: delivered, FAILED: failed, BLOCKED: opted_out}\n"
      "    signature:\n      secret: hj-s3cret\n"
      "institutions:\n  - id: varia\n    gateway: tw\n");
  // One student per gateway, each with a message the gateway accepted.
  std::map<std::string, std::int64_t> student, message;
  {
    auto store = app::open_store(cfg);
    REQUIRE(store);
    auto& s = **store;
    auto aino = testing::aino(), bea = testing::aino();
    bea.ref = "s2";
    bea.phone = "+358401234568";
    bea.first_name = "Bea";
    const auto now = wall_now();
    REQUIRE(s.upsert_students({aino, bea}, now));
    for (const auto& [gateway, phone] : {std::pair{"tw", aino.phone}, {"hj", bea.phone}}) {
      student[gateway] = s.find_student_by_phone(phone)->id;
      message[gateway] =
          s.enqueue_sms(student[gateway], gateway, "Moi", 1, "message", now, now).value();
    }
    REQUIRE(s.claim_sms(10, now)->size() == 2);
    for (const auto& [gateway, id] : message) REQUIRE(s.set_message_status(id, "sent", "", now));
  }
  {
    testing::running_service running(cfg);
    auto& client = running.client;
    const std::string tw_target = "/v1/gateways/tw/dlr?msgid=" + std::to_string(message["tw"]);
    const core::form_fields tw_form{
        {"MessageSid", "SM1"}, {"MessageStatus", "undelivered"}, {"ErrorCode", "21610"}};
    const std::vector<core::http_header> form_type{
        {"Content-Type", "application/x-www-form-urlencoded"}};
    auto tw_headers = [&](const std::string& token) {
      auto h = form_type;
      h.push_back(
          {"X-Twilio-Signature",
           adapters::twilio_signature(token, "https://tuki.example.fi" + tw_target, tw_form)});
      return h;
    };
    // A forged report is refused and changes nothing (checked below with the store).
    CHECK(fetch(client, running.base + tw_target, "POST", tw_headers("not-the-token"),
                core::encode_form(tw_form))
              .status == 401);
    CHECK(fetch(client, running.base + tw_target, "POST", tw_headers("tw-token"),
                core::encode_form(tw_form))
              .status == 200);
    const std::string hj_body =
        R"({"id":")" + std::to_string(message["hj"]) + R"(","status":"BLOCKED"})";
    CHECK(fetch(client, running.base + "/v1/gateways/hj/dlr", "POST",
                {{"Content-Type", "application/json"},
                 {"X-Signature", core::hex_encode(core::hmac_sha256("hj-s3cret", hj_body))}},
                hj_body)
              .status == 200);
    running.stop();
  }
  auto store = app::open_store(cfg);
  REQUIRE(store);
  for (const auto& [gateway, sid] : student) {
    INFO(gateway);
    CHECK((*store)->get_student(sid)->opted_out);
    CHECK((*store)->message_status(message[gateway]) == "failed");
    auto& q = (*store)->db().prepare(
        "SELECT COUNT(*) FROM audit_events WHERE action = 'opt_out' AND actor = ?1 AND subject = "
        "?2");
    q.bind(1, "gateway:" + gateway).bind(2, "student:" + std::to_string(sid));
    REQUIRE(q.step());
    CHECK(q.column_int(0) == 1);
    q.reset();
  }
}

TEST_CASE(
    "a Twilio status callback for another system's message is answered 200 and ignored, "
    "an unreadable one 400",
    "[app][service][delivery]") {
  fixture f;
  auto cfg = service_config(
      "public_url: https://tuki.example.fi\nstore:\n  path: " + (f.dir / "tuki.db").string() +
      "\nmail:\n  type: file\n  dir: " + (f.dir / "mail").string() +
      "\ngateways:\n"
      "  - name: tw\n    type: twilio\n    account_sid: AC123\n    auth_token: tw-token\n"
      "    from: \"+358401111111\"\n    base_url: http://127.0.0.1:1\n"
      "institutions:\n  - id: varia\n    gateway: tw\n");
  std::string log;
  {
    stderr_capture capture(f.dir / "stderr.log");
    testing::running_service running(cfg);
    // A Messaging Service's own status callback: no msgid of tuki's in its URL.
    const std::string target = "/v1/gateways/tw/dlr";
    const core::form_fields form{{"MessageSid", "SM1"}, {"MessageStatus", "delivered"}};
    const std::vector<core::http_header> headers{
        {"Content-Type", "application/x-www-form-urlencoded"},
        {"X-Twilio-Signature",
         adapters::twilio_signature("tw-token", "https://tuki.example.fi" + target, form)}};
    CHECK(fetch(running.client, running.base + target, "POST", headers, core::encode_form(form))
              .status == 200);
    CHECK(fetch(running.client, running.base + target + "?msgid=1", "POST", headers,
                "MessageSid=SM1&MessageStatus=%ZZ")
              .status == 400);
    running.stop();
    log = capture.text();
  }
  INFO(log);
  CHECK_THAT(log, Catch::Contains("event=dlr_invalid gateway=tw"));
  CHECK_THAT(log, Catch::Contains("malformed form body"));
  CHECK_THAT(log, !Catch::Contains("dlr_rejected"));
  CHECK(log.find("dlr_invalid") == log.rfind("dlr_invalid"));  // the ignored one logs nothing
}

TEST_CASE("the service logs each dialog and lexicon warning that dialogs check prints",
          "[app][service]") {
  fixture f;
  // A misspelt lexicon key is only a warning (so newer lexicons load): the log must say it.
  const auto dialogs = f.dir / "dialogs";
  fs::copy(std::string(TUKI_SOURCE_DIR) + "/dialogs", dialogs, fs::copy_options::recursive);
  const auto en = dialogs / "lang" / "en.yaml";
  std::ifstream in(en);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  in.close();
  const auto at = text.find("\nnegations:");
  REQUIRE(at != std::string::npos);
  text.replace(at, 11, "\nnegation:");
  std::ofstream(en) << text;
  auto c = config::parse_config("dialogs_dir: " + dialogs.string() + "\nhttp:\n  port: 0\nstore:\n  path: " +
                                    (f.dir / "tuki.db").string() +
                                    "\ngateways:\n  - {name: console, type: console}\n"
                                    "institutions:\n  - id: varia\n    gateway: console\n",
                                "test.yaml", config::process_env());
  REQUIRE(c);
  const auto log = start_and_stop_log(f, *c);
  INFO(log);
  CHECK_THAT(log, Catch::Contains("level=warn event=dialog_warning file=" + en.string() + " line="));
  CHECK_THAT(log, Catch::Contains("unknown key 'negation' in lexicon (ignored); did you mean 'negations'?"));
}

TEST_CASE("the placeholder secret stops the service unless server and links stay on this host",
          "[app][service]") {
  fixture f;
  const std::string rest = "secret: change-me-in-production\nstore:\n  path: " +
                           (f.dir / "state" / "tuki.db").string() +
                           "\ngateways:\n  - {name: console, type: console}\n"
                           "institutions:\n  - id: varia\n    gateway: console\n";
  // Anyone can read the placeholder: off this host it would let anyone sign staff action links.
  auto wide = config::parse_config("dialogs_dir: " + std::string(TUKI_SOURCE_DIR) +
                                       "/dialogs\nhttp:\n  listen: 0.0.0.0\n  port: 0\n"
                                       "public_url: https://tuki.varia.fi\n" + rest,
                                   "test.yaml", config::process_env());
  REQUIRE(wide);
  auto open = app::service::create(*wide);
  REQUIRE_FALSE(open);
  CHECK(open.error().message() ==
        "test.yaml: secret: is the placeholder of the shipped configuration while http.listen is "
        "0.0.0.0: anyone could forge staff action links; set TUKI_SECRET (or secret) to a long "
        "random value (openssl rand -base64 32)");
  auto proxied = app::service::create(service_config("public_url: https://tuki.varia.fi\n" + rest));
  REQUIRE_FALSE(proxied);
  CHECK_THAT(proxied.error().message(),
             Catch::Contains("secret: is the placeholder of the shipped configuration while "
                             "public_url is https://tuki.varia.fi"));
  CHECK_FALSE(fs::exists(f.dir / "state"));
  // The shipped defaults (loopback, links to loopback) still start, with the warning.
  const auto local = start_and_stop_log(f, service_config(rest));
  CHECK_THAT(local, Catch::Contains("event=weak_link_secret"));
  CHECK_THAT(local, Catch::Contains("event=listening"));
}
