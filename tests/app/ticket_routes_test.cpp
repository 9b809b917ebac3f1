// The ticket endpoints through the real HTTP server on port 0, and the webhook through a real
// local receiver (a Beast server of our own on port 0) that checks the signature.
#include "tuki/app/service.hpp"

#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <regex>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/routing_files.hpp"
#include "support/running_service.hpp"
#include "tuki/adapters/http/http_server.hpp"
#include "tuki/core/routing/staff_webhook.hpp"

using namespace tuki;
namespace fs = std::filesystem;

namespace {

core::instant wall_now() {
  return core::instant(std::chrono::duration_cast<core::duration>(
      std::chrono::system_clock::now().time_since_epoch()));
}

struct received_hook {
  std::string timestamp, signature, body;
};

// A webhook receiver on its own io_context thread.
struct hook_receiver {
  boost::asio::io_context io{1};
  adapters::router routes;
  std::unique_ptr<adapters::http_server> server;
  std::mutex mutex;
  std::vector<received_hook> hooks;
  int answer = 200;
  std::thread thread;

  hook_receiver() {
    routes.add(
        "POST", "/hook", "hook",
        [this](const core::http_request& req,
               const adapters::route_params&) -> boost::asio::awaitable<core::http_response> {
          std::lock_guard lock(mutex);
          hooks.push_back({std::string(req.header("X-Tuki-Timestamp")),
                           std::string(req.header("X-Tuki-Signature")), req.body});
          co_return core::http_response::text(answer, "ok\n");
        });
    server = std::make_unique<adapters::http_server>(
        io, adapters::http_server_settings{"127.0.0.1", 0, 1 << 20, 5000, 64}, routes,
        [](const std::string&, int, std::chrono::nanoseconds) {});
    REQUIRE(server->start().is_ok());
    thread = std::thread([this] { io.run(); });
  }
  ~hook_receiver() {
    boost::asio::post(io, [this] { server->stop([this] { io.stop(); }); });
    thread.join();
  }
  std::vector<received_hook> wait_for(std::size_t n) {
    for (int i = 0; i < 200; ++i) {
      {
        std::lock_guard lock(mutex);
        if (hooks.size() >= n) return hooks;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::lock_guard lock(mutex);
    return hooks;
  }
};

struct routes_fixture {
  fs::path dir;
  config::config cfg;
  std::int64_t ticket_id = 0;
  std::string mime;

  /// Opens one ticket of `category` for student s1; with `routing_yaml`, under that routing file.
  explicit routes_fixture(const std::string& webhook_url = "", const std::string& routing_yaml = "",
                          const std::string& category = "wellbeing",
                          core::urgency urgency = core::urgency::normal) {
    dir = fs::temp_directory_path() / ("tuki-ticket-routes-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir / "routing");
    if (!routing_yaml.empty()) std::ofstream(dir / "routing" / "varia.yaml") << routing_yaml;
    std::string yaml = "dialogs_dir: " + std::string(TUKI_SOURCE_DIR) + "/dialogs\n" +
                       "public_url: https://tuki.test\nsecret: link-key\n" +
                       "routing_dir: " + (dir / "routing").string() + "\n" +
                       "http:\n  port: 0\nstore:\n  path: " + (dir / "tuki.db").string() +
                       "\nmail:\n  type: file\n  dir: " + (dir / "mail").string() +
                       "\ngateways:\n  - name: console\n    type: console\n"
                       "institutions:\n  - id: varia\n    gateway: console\n";
    if (!webhook_url.empty())
      yaml += "    webhook:\n      url: " + webhook_url + "\n      secret: hook-secret\n";
    auto c = config::parse_config(yaml, "test.yaml", config::process_env());
    INFO(c.error().to_string());
    REQUIRE(c);
    cfg = *c;
    auto store = app::open_store(cfg);
    REQUIRE(store);
    core::student s;
    s.institution_id = "varia";
    s.ref = "s1";
    s.phone = "+358401234567";
    s.first_name = "Aino";
    s.language = "en";
    REQUIRE((*store)->upsert_students({s}, wall_now()));
    core::staff_member k;
    k.institution_id = "varia";
    k.email = "kuraattori@varia.test";
    k.roles = {"social_worker"};
    REQUIRE((*store)->upsert_staff({k}));
    auto lib = app::load_dialogs(cfg);
    REQUIRE(lib);
    app::ticket_desk desk(cfg, app::role_names::load(cfg.dialogs_dir).value());
    auto student = (*store)->find_student_by_phone(s.phone);
    auto opened =
        desk.open(**store, *student, category, urgency, "SECRET words", "", "", wall_now());
    INFO(opened.error().to_string());
    REQUIRE(opened);
    ticket_id = opened->id;
    auto jobs = (*store)->claim_jobs("mail", 10, wall_now());
    REQUIRE(jobs.size() == (routing_yaml.empty() ? 1u : jobs.size()));
    REQUIRE_FALSE(jobs.empty());
    for (const auto& j : jobs)
      REQUIRE((*store)->retry_job(j.id, "", wall_now()));  // leave them for the mail worker
    mime = nlohmann::json::parse(jobs[0].payload).at("mime").get<std::string>();
  }
  ~routes_fixture() { fs::remove_all(dir); }

  std::string link(const std::string& action) const {
    std::string text;
    for (std::size_t i = 0; i < mime.size(); ++i) {  // undo quoted-printable
      if (mime[i] == '=' && i + 2 < mime.size() && mime[i + 1] == '\r') {
        i += 2;
      } else if (mime[i] == '=' && i + 2 < mime.size() && mime.substr(i + 1, 2) == "3D") {
        text += '=';
        i += 2;
      } else {
        text += mime[i];
      }
    }
    std::smatch m;
    std::regex re("https://tuki\\.test(/t/[0-9]+/" + action + "\\?[A-Za-z0-9_%.=&@-]+)");
    REQUIRE(std::regex_search(text, m, re));
    return m[1];
  }

  std::vector<std::string> seen_sms() const {
    auto store = app::open_store(cfg);
    REQUIRE(store);
    std::vector<std::string> out;
    auto& q = (*store)->db().prepare(
        "SELECT body FROM messages WHERE direction = 'out' AND purpose = 'ticket_seen'");
    while (q.step()) out.push_back(q.column_text(0));
    q.reset();
    return out;
  }
};

core::http_response call(adapters::http_client& client, const std::string& method,
                         const std::string& url) {
  std::promise<core::http_response> p;
  client.submit({method, url, {}, "", ""},
                [&p](core::http_response r, std::string) { p.set_value(r); });
  return p.get_future().get();
}

}  // namespace

TEST_CASE("ticket links and API through the HTTP server", "[app][tickets][service]") {
  routes_fixture f;
  {
    testing::running_service s(f.cfg);
    auto ack = f.link("acknowledge");
    auto tampered = std::regex_replace(ack, std::regex("/t/[0-9]+/"), "/t/999/");
    CHECK(call(s.client, "GET", s.base + tampered).status == 400);
    auto r = call(s.client, "GET", s.base + ack);
    CHECK(r.status == 200);
    CHECK_THAT(r.body, Catch::Contains("acknowledged"));
    CHECK(r.content_type == "text/html; charset=utf-8");
    CHECK(call(s.client, "GET", s.base + ack).status == 200);  // idempotent

    // Single-use actions: GET shows a confirmation form and changes nothing; POST acts once.
    auto resolve = f.link("resolve");
    auto confirm = call(s.client, "GET", s.base + resolve);
    CHECK(confirm.status == 200);
    CHECK_THAT(confirm.body, Catch::Contains("<form method=\"post\""));
    auto api_target = std::regex_replace(resolve, std::regex("^/t/"), "/v1/tickets/");
    auto done = call(s.client, "POST", s.base + api_target);
    CHECK(done.status == 200);
    auto json = nlohmann::json::parse(done.body, nullptr, false);
    REQUIRE(json.is_object());
    CHECK(json["status"] == "RESOLVED");
    CHECK(json["ok"] == true);
    CHECK(call(s.client, "POST", s.base + resolve).status == 410);  // used
    auto not_mine = call(s.client, "POST", s.base + f.link("not_mine"));
    CHECK(not_mine.status == 409);  // resolved tickets are not rerouted
  }
  auto sms = f.seen_sms();
  REQUIRE(sms.size() == 1);
  CHECK_THAT(sms[0], Catch::Contains("social worker"));
}

TEST_CASE("staff webhooks are signed and reach a real receiver; failures are retried",
          "[app][tickets][webhook]") {
  hook_receiver receiver;
  std::string url = "http://127.0.0.1:" + std::to_string(receiver.server->port()) + "/hook";
  routes_fixture f(url);
  {
    testing::running_service s(f.cfg);
    auto hooks = receiver.wait_for(1);
    REQUIRE(hooks.size() == 1);
    const auto& h = hooks[0];
    CHECK(routing::verify_webhook("hook-secret", h.timestamp, h.signature, h.body, wall_now())
              .is_ok());
    CHECK_FALSE(
        routing::verify_webhook("other-secret", h.timestamp, h.signature, h.body, wall_now())
            .is_ok());
    auto body = nlohmann::json::parse(h.body, nullptr, false);
    REQUIRE_FALSE(body.is_discarded());
    CHECK_THAT(h.body, !Catch::Contains("SECRET"));
    CHECK_THAT(h.body, Catch::Contains(std::to_string(f.ticket_id)));
  }
}

TEST_CASE("a webhook answered with 500 is retried later, not dropped", "[app][tickets][webhook]") {
  hook_receiver receiver;
  receiver.answer = 500;
  std::string url = "http://127.0.0.1:" + std::to_string(receiver.server->port()) + "/hook";
  routes_fixture f(url);
  {
    testing::running_service s(f.cfg);
    REQUIRE(receiver.wait_for(1).size() == 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  auto store = app::open_store(f.cfg);
  REQUIRE(store);
  auto& q = (*store)->db().prepare(
      "SELECT status, attempts, due_at, last_error FROM outbox WHERE kind = 'webhook'");
  REQUIRE(q.step());
  CHECK(q.column_text(0) == "queued");
  CHECK(q.column_int(1) == 1);
  CHECK(q.column_int(2) > core::to_unix_ms(wall_now()) + 10'000);  // retry_delay: >= 15 s
  CHECK_THAT(q.column_text(3), Catch::Contains("500"));
  q.reset();
}

TEST_CASE("the not mine confirmation says what will happen: routed again, or left to the others",
          "[app][tickets][not_mine]") {
  {
    routes_fixture alone;  // one social worker holds the ticket: it is routed again
    testing::running_service s(alone.cfg);
    auto page = call(s.client, "GET", s.base + alone.link("not_mine"));
    INFO(page.body);
    CHECK(page.status == 200);
    CHECK_THAT(page.body, Catch::Contains("<form method=\"post\""));
    CHECK_THAT(page.body, Catch::Contains("will be routed again to someone else"));
    CHECK_THAT(page.body, !Catch::Contains("keep it"));
  }
  {
    // A crisis ticket shared by two on-call people and the crisis contact.
    routes_fixture shared("", testing::crisis_routing, "crisis", core::urgency::urgent);
    testing::running_service s(shared.cfg);
    const auto link = shared.link("not_mine");
    auto page = call(s.client, "GET", s.base + link);
    INFO(page.body);
    CHECK(page.status == 200);
    CHECK_THAT(page.body, Catch::Contains("<form method=\"post\""));
    CHECK_THAT(page.body, Catch::Contains("It is not routed again"));
    CHECK_THAT(page.body, Catch::Contains("keep it"));
    CHECK_THAT(page.body, !Catch::Contains("route it again"));
    CHECK_THAT(page.body, !Catch::Contains("SECRET"));
    // What the page says is what the action does.
    auto done = call(s.client, "POST", s.base + link);
    INFO(done.body);
    CHECK(done.status == 200);
    CHECK_THAT(done.body, Catch::Contains("stays with"));
  }
}
