// The ticket endpoints through the real HTTP server on port 0, and the webhook through a real
// local receiver (a Beast server of our own on port 0) that checks the signature.
#include "tuki/app/service.hpp"

#include <algorithm>
#include <ctime>
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
#include "support/silent_server.hpp"
#include "support/stderr_capture.hpp"
#include "support/students.hpp"
#include "tuki/adapters/http/http_server.hpp"
#include "tuki/app/wall_clock.hpp"
#include "tuki/core/routing/action_link.hpp"
#include "tuki/core/routing/staff_webhook.hpp"

using namespace tuki;
namespace fs = std::filesystem;

namespace {

using app::wall_now;

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
  std::string retry_after;  // sent as Retry-After when not empty
  std::thread thread;

  hook_receiver() {
    routes.add(
        "POST", "/hook", "hook",
        [this](const core::http_request& req,
               const adapters::route_params&) -> boost::asio::awaitable<core::http_response> {
          std::lock_guard lock(mutex);
          hooks.push_back({std::string(req.header("X-Tuki-Timestamp")),
                           std::string(req.header("X-Tuki-Signature")), req.body});
          auto r = core::http_response::text(answer, "ok\n");
          if (!retry_after.empty()) r.headers.push_back({"Retry-After", retry_after});
          co_return r;
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
  std::string mime;                // the first staff email
  std::vector<std::string> mimes;  // every staff email

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
    const auto s = testing::aino("en");
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
    for (const auto& j : jobs)
      mimes.push_back(nlohmann::json::parse(j.payload).at("mime").get<std::string>());
    mime = mimes[0];
  }
  ~routes_fixture() { fs::remove_all(dir); }

  /// The `action` link of the first email, or of the email to `recipient`.
  std::string link(const std::string& action, const std::string& recipient = "") const {
    std::string mime = this->mime;
    for (const auto& m : mimes)
      if (!recipient.empty() && m.find("<" + recipient + ">") != std::string::npos) mime = m;
    const std::string text = decoded(mime);
    std::smatch m;
    std::regex re("https://tuki\\.test(/t/[0-9]+/" + action + "\\?[A-Za-z0-9_%.=&@-]+)");
    REQUIRE(std::regex_search(text, m, re));
    return m[1];
  }

  /// A MIME text with its quoted-printable undone (enough to find words and links in it).
  static std::string decoded(const std::string& mime) {
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
    return text;
  }

  /// Everything an action on the ticket may change: its row (status, SLA due time), its state
  /// and history, the used nonces and the SMS queued for the student.
  struct ticket_snapshot {
    std::string status, sla_due_at, state;
    std::int64_t events = 0;  // by staff
    std::int64_t used_nonces = 0, seen_sms = 0;
    bool operator==(const ticket_snapshot&) const = default;
  };
  ticket_snapshot snapshot() const {
    auto store = app::open_store(cfg);
    REQUIRE(store);
    auto& db = (*store)->db();
    ticket_snapshot out;
    auto& t =
        db.prepare("SELECT status, coalesce(sla_due_at, 'none'), state FROM tickets WHERE id = ?1");
    t.bind(1, ticket_id);
    REQUIRE(t.step());
    out.status = t.column_text(0);
    out.sla_due_at = t.column_text(1);
    out.state = t.column_text(2);
    t.reset();
    auto count = [&db](const std::string& sql) {
      auto& q = db.prepare(sql);
      REQUIRE(q.step());
      const std::int64_t n = q.column_int(0);
      q.reset();
      return n;
    };
    // Events by staff only: the mail worker adds its own (actor tuki) as it sends the emails.
    out.events = count("SELECT count(*) FROM ticket_events WHERE actor <> 'tuki'");
    out.used_nonces = count("SELECT count(*) FROM used_link_nonces");
    out.seen_sms =
        count("SELECT count(*) FROM messages WHERE direction = 'out' AND purpose = 'ticket_seen'");
    return out;
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
                         const std::string& url, const std::string& accept_language = "") {
  std::vector<core::http_header> headers;
  if (!accept_language.empty()) headers.push_back({"Accept-Language", accept_language});
  std::promise<core::http_response> p;
  client.submit({method, url, headers, "", ""},
                [&p](core::http_response r, std::string) { p.set_value(r); });
  return p.get_future().get();
}

/// The routing files' staff with `language` (fi, sv) for their staff emails.
std::string with_language(std::string routing_yaml, const std::string& language) {
  return std::regex_replace(routing_yaml, std::regex("on_call: true\\}"),
                            "on_call: true, language: " + language + "}");
}

/// One social worker holds a wellbeing ticket (not mine: routed again); a study counsellor is
/// there to take it.
std::string social_worker_routing(const std::string& language) {
  return "tuki_routing: 1\nfallback_role: study_counsellor\nstaff:\n"
         "  - {email: kuraattori@varia.test, roles: [social_worker], language: " +
         language + "}\n  - {email: opo@varia.test, roles: [study_counsellor], language: " +
         language + "}\n";
}

/// A crisis ticket that one on-call nurse holds alone (no crisis contact on it).
std::string lone_crisis_routing(const std::string& language) {
  return "tuki_routing: 1\ninstitution:\n  id: varia\n  time_zone: Europe/Helsinki\n"
         "fallback_role: study_counsellor\nrules:\n  - category: crisis\n    roles: [nurse]\n"
         "    pick: all_on_call\n    notify_crisis_contact: false\nstaff:\n"
         "  - {email: hoitaja@varia.test, roles: [nurse], on_call: true, language: " +
         language + "}\n";
}

/// A link signed as links were before they carried lang (make_action_link without language).
std::string old_link(std::int64_t ticket_id, routing::ticket_action action,
                     const std::string& nonce) {
  routing::action_link l{.ticket_id = std::to_string(ticket_id),
                         .action = action,
                         .role = "",
                         .actor = "kuraattori@varia.test",
                         .expires = wall_now() + std::chrono::hours(24),
                         .nonce = nonce};
  auto url = routing::make_action_link("link-key", "https://tuki.test", l);
  REQUIRE(url);
  REQUIRE_THAT(*url, !Catch::Contains("lang="));
  return url->substr(std::string("https://tuki.test").size());
}

}  // namespace

TEST_CASE("ticket links and API through the HTTP server", "[app][tickets][service]") {
  routes_fixture f;
  {
    testing::running_service s(f.cfg);
    auto ack = f.link("acknowledge");
    auto tampered = std::regex_replace(ack, std::regex("/t/[0-9]+/"), "/t/999/");
    CHECK(call(s.client, "GET", s.base + tampered).status == 400);
    CHECK_THAT(call(s.client, "GET", s.base + ack).body, Catch::Contains("<form method=\"post\""));
    auto r = call(s.client, "POST", s.base + ack);
    CHECK(r.status == 200);
    // The staff member's language is the default, fi: the email and so the page are Finnish.
    CHECK_THAT(r.body, Catch::Contains("on kuitattu"));
    CHECK(r.content_type == "text/html; charset=utf-8");
    CHECK(call(s.client, "POST", s.base + ack).status == 200);  // idempotent

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

TEST_CASE("an acknowledge link acts only on POST: its GET (a mail scanner's) changes nothing",
          "[app][tickets][acknowledge]") {
  // A crisis ticket: the case where a scanner's acknowledge would stop the reminders and the
  // escalation, and tell the student that someone read it.
  routes_fixture f("", with_language(testing::crisis_routing, "en"), "crisis",
                   core::urgency::urgent);
  testing::running_service s(f.cfg);
  const auto ack = f.link("acknowledge", "hoitaja@varia.test");
  const auto before = f.snapshot();
  REQUIRE(before.status == "OPENED");
  REQUIRE(before.sla_due_at != "none");  // the reminder is due
  REQUIRE(before.seen_sms == 0);

  for (int fetch = 0; fetch < 2; ++fetch) {  // scanners fetch more than once
    auto page = call(s.client, "GET", s.base + ack);
    INFO(page.body);
    CHECK(page.status == 200);
    CHECK(page.content_type == "text/html; charset=utf-8");
    CHECK_THAT(page.body, Catch::Contains("<h1>Ticket " + std::to_string(f.ticket_id) + "</h1>"));
    CHECK_THAT(page.body, Catch::Contains("<button type=\"submit\">Acknowledge</button>"));
    CHECK_THAT(page.body, !Catch::Contains("is acknowledged"));
  }
  const auto after_get = f.snapshot();
  CHECK(after_get.status == before.status);
  CHECK(after_get.sla_due_at == before.sla_due_at);
  CHECK(after_get.state == before.state);
  CHECK(after_get.events == before.events);
  CHECK(after_get.used_nonces == before.used_nonces);
  CHECK(after_get.seen_sms == 0);

  // The page's one form POSTs the same signed link, unchanged; that acknowledges.
  auto page = call(s.client, "GET", s.base + ack);
  std::smatch form;
  REQUIRE(
      std::regex_search(page.body, form, std::regex("<form method=\"post\" action=\"([^\"]*)\">")));
  const std::string action = std::regex_replace(form[1].str(), std::regex("&amp;"), "&");
  CHECK(action == ack);
  CHECK_FALSE(std::regex_search(form.suffix().str(), std::regex("<form")));
  auto done = call(s.client, "POST", s.base + action);
  INFO(done.body);
  CHECK(done.status == 200);
  CHECK_THAT(done.body, Catch::Contains("<h1>Done</h1>"));
  CHECK_THAT(done.body, Catch::Contains("is acknowledged"));
  const auto after_post = f.snapshot();
  CHECK(after_post.status == "ACKNOWLEDGED");
  // No reminder any more: the next step is asking, a week on, whether it is still open.
  REQUIRE(after_post.sla_due_at != "none");
  CHECK(std::stoll(after_post.sla_due_at) > std::stoll(before.sla_due_at) + 4 * 86'400'000LL);
  CHECK(after_post.seen_sms == 1);
  CHECK(after_post.events > before.events);
  CHECK(after_post.used_nonces == before.used_nonces);  // acknowledge may be repeated
  // Once acknowledged, the link still opens its confirmation page, and a second POST is a no-op.
  CHECK(call(s.client, "GET", s.base + ack).status == 200);
  auto again = call(s.client, "POST", s.base + ack);
  CHECK(again.status == 200);
  CHECK_THAT(again.body, Catch::Contains("was already acknowledged"));
  CHECK(f.snapshot().seen_sms == 1);
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

TEST_CASE("a webhook answered 429 with Retry-After waits as long as asked, at most an hour",
          "[app][tickets][webhook]") {
  // Seconds, and an HTTP-date; 20 min is longer than the first backoff (15-30 s).
  for (bool as_date : {false, true}) {
    CAPTURE(as_date);
    const auto before = core::to_unix_ms(wall_now());  // before the date is written
    hook_receiver receiver;
    receiver.answer = 429;
    if (as_date) {
      // An IMF-fixdate 20 min from now.
      auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() +
                                                    std::chrono::minutes(20));
      char buf[64];
      std::tm tm{};
      ::gmtime_r(&t, &tm);
      std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
      receiver.retry_after = buf;
    } else {
      receiver.retry_after = "1200";
    }
    std::string url = "http://127.0.0.1:" + std::to_string(receiver.server->port()) + "/hook";
    routes_fixture f(url);
    {
      testing::running_service s(f.cfg);
      REQUIRE(receiver.wait_for(1).size() == 1);
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
    const auto after = core::to_unix_ms(wall_now());
    auto store = app::open_store(f.cfg);
    REQUIRE(store);
    auto& q = (*store)->db().prepare("SELECT status, due_at FROM outbox WHERE kind = 'webhook'");
    REQUIRE(q.step());
    CHECK(q.column_text(0) == "queued");
    // 20 min from the answer (an HTTP-date has whole seconds: a second's leeway).
    CHECK(q.column_int(1) >= before + 1'200'000 - 1'000);
    CHECK(q.column_int(1) <= after + 1'200'000);
    q.reset();
  }
}

namespace {

struct webhook_job_row {
  std::string status;
  std::int64_t attempts = 0, due_at = 0;
};

// The ticket's webhook job, once it is no longer being sent (bounded wait).
webhook_job_row settled_webhook_job(const config::config& cfg) {
  auto store = app::open_store(cfg);
  REQUIRE(store);
  webhook_job_row row;
  for (int i = 0; i < 200; ++i) {
    auto& q = (*store)->db().prepare(
        "SELECT status, attempts, due_at FROM outbox WHERE kind = 'webhook'");
    REQUIRE(q.step());
    row = {q.column_text(0), q.column_int(1), q.column_int(2)};
    q.reset();
    if (row.status != "running") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return row;
}

std::vector<std::string> ticket_events(const config::config& cfg, std::int64_t ticket) {
  auto store = app::open_store(cfg);
  REQUIRE(store);
  std::vector<std::string> out;
  auto& q = (*store)->db().prepare("SELECT event FROM ticket_events WHERE ticket_id = ?1");
  q.bind(1, ticket);
  while (q.step()) out.push_back(q.column_text(0));
  q.reset();
  return out;
}

}  // namespace

TEST_CASE("a webhook failing for hours stays queued, retried hourly, and the operator is told",
          "[app][tickets][webhook]") {
  // Attempts already made when the service starts: the next is the 12th (the first report of
  // a long outage) or the 13th (between reports).
  for (int made : {11, 12}) {
    CAPTURE(made);
    hook_receiver receiver;
    receiver.answer = 503;
    routes_fixture f("http://127.0.0.1:" + std::to_string(receiver.server->port()) + "/hook");
    {
      auto store = app::open_store(f.cfg);
      REQUIRE(store);
      REQUIRE((*store)
                  ->db()
                  .exec("UPDATE outbox SET attempts = " + std::to_string(made) +
                        " WHERE kind = 'webhook'")
                  .is_ok());
    }
    std::string log;
    webhook_job_row job;
    const auto before = core::to_unix_ms(wall_now());
    {
      testing::stderr_capture capture(f.dir / "stderr.log");
      {
        testing::running_service s(f.cfg);
        REQUIRE(receiver.wait_for(1).size() == 1);
        job = settled_webhook_job(f.cfg);
      }
      log = capture.text();
    }
    const auto after = core::to_unix_ms(wall_now());
    INFO(log);
    CHECK(job.status == "queued");  // never given up
    CHECK(job.attempts == made + 1);
    // The next attempt an hour after this one (the cap).
    CHECK(job.due_at >= before + 3'600'000);
    CHECK(job.due_at <= after + 3'600'000);
    const bool reported = made + 1 == routing::webhook_alert_attempt;
    CHECK((log.find("event=webhook_undelivered") != std::string::npos) == reported);
    if (reported) {
      CHECK_THAT(log, Catch::Contains("ticket_id=" + std::to_string(f.ticket_id)));
      CHECK_THAT(log, Catch::Contains("webhook=varia"));
      CHECK_THAT(log, Catch::Contains("attempts=12"));
      CHECK_THAT(log, !Catch::Contains("SECRET words"));  // the student's words
    } else {
      CHECK_THAT(log, Catch::Contains("event=webhook_deferred"));
    }
    const auto events = ticket_events(f.cfg, f.ticket_id);
    CHECK((std::count(events.begin(), events.end(), "WEBHOOK_DELAYED") == 1) == reported);
    CHECK(std::count(events.begin(), events.end(), "WEBHOOK_FAILED") == 0);
  }
}

TEST_CASE("a webhook refused with a 4xx is offered again hourly, logged as an error at once",
          "[app][tickets][webhook]") {
  hook_receiver receiver;
  receiver.answer = 404;
  routes_fixture f("http://127.0.0.1:" + std::to_string(receiver.server->port()) + "/hook");
  std::string log;
  webhook_job_row job;
  const auto before = core::to_unix_ms(wall_now());
  {
    testing::stderr_capture capture(f.dir / "stderr.log");
    {
      testing::running_service s(f.cfg);
      REQUIRE(receiver.wait_for(1).size() == 1);
      job = settled_webhook_job(f.cfg);
    }
    log = capture.text();
  }
  const auto after = core::to_unix_ms(wall_now());
  INFO(log);
  // A wrong URL or a revoked token is fixed by an operator: the notice waits for it.
  CHECK(job.status == "queued");
  CHECK(job.attempts == 1);
  CHECK(job.due_at >= before + 3'600'000);
  CHECK(job.due_at <= after + 3'600'000);
  CHECK_THAT(log, Catch::Contains("level=error event=webhook_refused"));
  CHECK_THAT(log, Catch::Contains("ticket_id=" + std::to_string(f.ticket_id)));
  CHECK_THAT(log, Catch::Contains("HTTP 404"));
  const auto events = ticket_events(f.cfg, f.ticket_id);
  CHECK(std::count(events.begin(), events.end(), "WEBHOOK_REFUSED") == 1);
  CHECK(std::count(events.begin(), events.end(), "WEBHOOK_FAILED") == 0);
}

namespace {

struct job_state {
  std::string status;
  std::int64_t attempts = 0, due_at = 0;
};

job_state job_of(adapters::sqlite_store& store, std::int64_t id) {
  auto& q = store.db().prepare("SELECT status, attempts, due_at FROM outbox WHERE id = ?1");
  q.bind(1, id);
  REQUIRE(q.step());
  job_state out{q.column_text(0), q.column_int(1), q.column_int(2)};
  q.reset();
  return out;
}

// The job once its status is `status`, or as it is after a bounded wait.
job_state wait_for_job(adapters::sqlite_store& store, std::int64_t id, const std::string& status) {
  job_state j;
  for (int i = 0; i < 400; ++i) {
    j = job_of(store, id);
    if (j.status == status) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return j;
}

}  // namespace

TEST_CASE("a hanging mail server holds up neither webhooks nor a crisis mail",
          "[app][tickets][mail][webhook]") {
  hook_receiver receiver;
  routes_fixture f("http://127.0.0.1:" + std::to_string(receiver.server->port()) + "/hook");
  testing::silent_server smtp;  // a mail server that hangs
  f.cfg.mail.type = "smtp";
  f.cfg.mail.url = "smtp://127.0.0.1:" + std::to_string(smtp.port());
  auto opened = app::open_store(f.cfg);
  REQUIRE(opened);
  auto& store = **opened;
  // The ticket's mail, a second one queued after it, and the webhook due a second after start,
  // by when the mail worker waits for the server with the first mail.
  auto& q = store.db().prepare("SELECT id, payload FROM outbox WHERE kind = 'mail'");
  REQUIRE(q.step());
  const std::int64_t first = q.column_int(0);
  const std::string payload = q.column_text(1);
  q.reset();
  const auto second = store.enqueue_job("mail", payload, wall_now(), wall_now());
  REQUIRE(second);
  REQUIRE(store.db()
              .exec("UPDATE outbox SET due_at = " +
                    std::to_string(core::to_unix_ms(wall_now()) + 1000) + " WHERE kind = 'webhook'")
              .is_ok());
  const auto first_attempts = job_of(store, first).attempts;
  {
    testing::running_service s(f.cfg);
    REQUIRE(wait_for_job(store, first, "running").status == "running");
    CHECK(receiver.wait_for(1).size() == 1);  // sent while the mail worker waits
    CHECK(job_of(store, first).status == "running");

    // A crisis mail written meanwhile, after many failed attempts (a long outage).
    const auto crisis =
        store.enqueue_job("mail", payload, wall_now(), wall_now(), adapters::job_priority::crisis);
    REQUIRE(crisis);
    REQUIRE(
        store.db().exec("UPDATE outbox SET attempts = 8 WHERE id = " + std::to_string(*crisis)));
    // The first mail fails: the worker leaves the rest of its batch untried, and the crisis
    // mail goes next, before the second.
    REQUIRE(smtp.drop_one());
    // (Were the batch not cut short, the second mail would hang the worker now, and the crisis
    // mail would wait for it.)
    CHECK(wait_for_job(store, *crisis, "running").status == "running");
    const auto after_first = job_of(store, first);
    CHECK(after_first.status == "queued");
    CHECK(after_first.attempts == first_attempts + 1);

    // The crisis mail fails too: tried again within 30 s, not 5 min.
    const auto before = core::to_unix_ms(wall_now());
    REQUIRE(smtp.drop_one());
    const auto retried = wait_for_job(store, *crisis, "queued");
    const auto after = core::to_unix_ms(wall_now());
    CHECK(retried.status == "queued");
    CHECK(retried.attempts == 9);
    CHECK(retried.due_at >= before + 30'000);
    CHECK(retried.due_at <= after + 30'000);
    smtp.stop();  // the next mail's wait ends: the service can stop
  }
}

namespace {

// The ticket's webhook job and `more` copies of it queued after it (normal priority).
std::vector<std::int64_t> webhook_jobs(adapters::sqlite_store& store, int more,
                                       std::string* payload_out = nullptr) {
  auto& q = store.db().prepare("SELECT id, payload FROM outbox WHERE kind = 'webhook'");
  REQUIRE(q.step());
  std::vector<std::int64_t> ids{q.column_int(0)};
  const std::string payload = q.column_text(1);
  q.reset();
  for (int i = 0; i < more; ++i) {
    const auto id = store.enqueue_job("webhook", payload, wall_now(), wall_now());
    REQUIRE(id);
    ids.push_back(*id);
  }
  if (payload_out) *payload_out = payload;
  return ids;
}

}  // namespace

TEST_CASE("a stop does not wait for a webhook receiver that hangs; the batch is sent after restart",
          "[app][tickets][webhook]") {
  testing::silent_server silent;  // accepts and never answers
  routes_fixture f("http://127.0.0.1:" + std::to_string(silent.port()) + "/hook");
  auto opened = app::open_store(f.cfg);
  REQUIRE(opened);
  auto& store = **opened;
  const auto ids = webhook_jobs(store, 2);
  {
    testing::running_service s(f.cfg);
    // One claim takes all three; the first post then waits for an answer that never comes.
    REQUIRE(wait_for_job(store, ids[2], "running").status == "running");
    REQUIRE(silent.wait_for_connection());
    s.stop();
  }
  // The post in flight was cut short, and it and the rest went back to the queue untried
  // (before, each waited out its 10 s timeout and was counted as a failed attempt).
  for (auto id : ids) {
    CAPTURE(id);
    const auto j = job_of(store, id);
    CHECK(j.status == "queued");
    CHECK(j.attempts == 0);
  }
  // Sent by the next start, to a receiver that answers.
  hook_receiver receiver;
  f.cfg.institutions[0].webhook.url =
      "http://127.0.0.1:" + std::to_string(receiver.server->port()) + "/hook";
  {
    testing::running_service s(f.cfg);
    CHECK(receiver.wait_for(3).size() == 3);
    for (auto id : ids) CHECK(wait_for_job(store, id, "done").status == "done");
  }
  CHECK(receiver.wait_for(3).size() == 3);  // each once
}

TEST_CASE("after a receiver fails, its other webhooks of the batch go back untried; crisis first",
          "[app][tickets][webhook]") {
  testing::silent_server silent;
  routes_fixture f("http://127.0.0.1:" + std::to_string(silent.port()) + "/hook");
  auto opened = app::open_store(f.cfg);
  REQUIRE(opened);
  auto& store = **opened;
  std::string payload;
  const auto ids = webhook_jobs(store, 2, &payload);
  std::optional<std::int64_t> crisis;
  {
    testing::running_service s(f.cfg);
    REQUIRE(wait_for_job(store, ids[2], "running").status == "running");
    // A crisis notice written while the first post waits.
    const auto written = store.enqueue_job("webhook", payload, wall_now(), wall_now(),
                                           adapters::job_priority::crisis);
    REQUIRE(written);
    crisis = *written;
    // The first post fails without an answer: the receiver's two other jobs of the batch are not
    // posted (each would wait out its timeout) but queued again, and the next claim starts with
    // the crisis notice.
    REQUIRE(silent.drop_one());
    CHECK(wait_for_job(store, *crisis, "running").status == "running");
    const auto first = job_of(store, ids[0]);
    CHECK(first.status == "queued");  // tried again later
    CHECK(first.attempts == 1);
    REQUIRE(silent.wait_for_connection());  // the crisis notice's post
    s.stop();
  }
  for (auto id : {ids[1], ids[2], *crisis}) {
    CAPTURE(id);
    const auto j = job_of(store, id);
    CHECK(j.status == "queued");
    CHECK(j.attempts == 0);
  }
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
    // Finnish, as the email was (the staff member's default language).
    CHECK_THAT(page.body, Catch::Contains("ohjataan jollekulle toiselle, ei takaisin sinulle"));
    CHECK_THAT(page.body, !Catch::Contains("hoitavat jo"));
  }
  {
    // A crisis ticket shared by two on-call people and the crisis contact.
    routes_fixture shared("", testing::crisis_routing, "crisis", core::urgency::urgent);
    testing::running_service s(shared.cfg);
    // The crisis contact is not in the staff list: its email, and so its page, is in the
    // institution's language.
    const auto link = shared.link("not_mine", "kriisi@varia.test");
    auto page = call(s.client, "GET", s.base + link);
    INFO(page.body);
    CHECK(page.status == 200);
    CHECK_THAT(page.body, Catch::Contains("<form method=\"post\""));
    CHECK_THAT(page.body, Catch::Contains("Sitä ei ohjata uudelleen"));
    CHECK_THAT(page.body, Catch::Contains("sitä hoitavat jo"));
    CHECK_THAT(page.body, !Catch::Contains("ohjataan jollekulle toiselle"));
    CHECK_THAT(page.body, !Catch::Contains("SECRET"));
    // What the page says is what the action does.
    auto done = call(s.client, "POST", s.base + link);
    INFO(done.body);
    CHECK(done.status == 200);
    CHECK_THAT(done.body, Catch::Contains("jää muille käsittelijöille"));
  }
}

namespace {

/// What the action-link pages say in one language ({id} is the ticket id).
struct page_words {
  std::string language;
  std::string title_ticket, title_done, title_not_done;
  std::string will_reroute, reroute_button, resolve_button, resolved;
  std::string link_used, already_resolved, nothing_to_pass_on, link_invalid;
  std::string crisis_explanation, leave_explanation, leave_button, stays_with;
  std::string acknowledge_button;
};

std::string with_id(std::string text, std::int64_t id) {
  return std::regex_replace(text, std::regex("\\{id\\}"), std::to_string(id));
}

/// Opens tickets whose staff read `w.language` and checks every page their links open: the
/// confirmation (title, explanation, button), the outcome, error pages and the API message;
/// then "not mine" on a crisis ticket held alone and on a shared one.
void check_pages_in(const page_words& w) {
  {
    routes_fixture f("", social_worker_routing(w.language));
    testing::running_service s(f.cfg);
    const auto id = f.ticket_id;
    // The link's language wins over the browser's.
    auto confirm = call(s.client, "GET", s.base + f.link("not_mine"), "en, de;q=0.5");
    INFO(confirm.body);
    CHECK(confirm.status == 200);
    CHECK(confirm.header("Content-Language") == w.language);
    CHECK_THAT(confirm.body, Catch::Contains("<html lang=\"" + w.language + "\">"));
    CHECK_THAT(confirm.body, Catch::Contains("<h1>" + with_id(w.title_ticket, id) + "</h1>"));
    CHECK_THAT(confirm.body, Catch::Contains(with_id(w.will_reroute, id)));
    CHECK_THAT(confirm.body, Catch::Contains(">" + w.reroute_button + "</button>"));
    auto resolve_page = call(s.client, "GET", s.base + f.link("resolve"));
    CHECK_THAT(resolve_page.body, Catch::Contains(">" + w.resolve_button + "</button>"));
    auto acknowledge_page = call(s.client, "GET", s.base + f.link("acknowledge"));
    CHECK(acknowledge_page.status == 200);
    CHECK(acknowledge_page.header("Content-Language") == w.language);
    CHECK_THAT(acknowledge_page.body,
               Catch::Contains("<h1>" + with_id(w.title_ticket, id) + "</h1>"));
    CHECK_THAT(acknowledge_page.body, Catch::Contains(">" + w.acknowledge_button + "</button>"));

    auto done = call(s.client, "POST", s.base + f.link("resolve"));
    INFO(done.body);
    CHECK(done.status == 200);
    CHECK_THAT(done.body, Catch::Contains("<h1>" + w.title_done + "</h1>"));
    CHECK_THAT(done.body, Catch::Contains(with_id(w.resolved, id)));
    // Error pages.
    auto used = call(s.client, "POST", s.base + f.link("resolve"));
    CHECK(used.status == 410);
    CHECK(used.header("Content-Language") == w.language);
    CHECK_THAT(used.body, Catch::Contains("<h1>" + w.title_not_done + "</h1>"));
    CHECK_THAT(used.body, Catch::Contains(w.link_used));
    auto resolved = call(s.client, "GET", s.base + f.link("not_mine"));
    CHECK(resolved.status == 409);
    CHECK_THAT(resolved.body, Catch::Contains(with_id(w.nothing_to_pass_on, id)));
    auto tampered = std::regex_replace(f.link("acknowledge"), std::regex("/t/[0-9]+/"), "/t/999/");
    auto invalid = call(s.client, "GET", s.base + tampered);
    CHECK(invalid.status == 400);
    CHECK_THAT(invalid.body, Catch::Contains(w.link_invalid));
    // The JSON API keeps its fields; only the human message follows the language.
    auto api = std::regex_replace(f.link("acknowledge"), std::regex("^/t/"), "/v1/tickets/");
    auto json = nlohmann::json::parse(call(s.client, "POST", s.base + api).body, nullptr, false);
    REQUIRE(json.is_object());
    CHECK(json["ok"] == false);
    CHECK(json["status"] == "RESOLVED");
    CHECK(json["action"] == "acknowledge");
    CHECK(json["message"] == with_id(w.already_resolved, id));
  }
  {
    // A crisis ticket held alone: not mine routes it again on the crisis side only.
    routes_fixture f("", lone_crisis_routing(w.language), "crisis", core::urgency::urgent);
    testing::running_service s(f.cfg);
    auto page = call(s.client, "GET", s.base + f.link("not_mine"));
    INFO(page.body);
    CHECK(page.status == 200);
    CHECK_THAT(page.body, Catch::Contains(with_id(w.crisis_explanation, f.ticket_id)));
    CHECK_THAT(page.body, Catch::Contains(">" + w.reroute_button + "</button>"));
  }
  {
    // A shared crisis ticket: the others keep it.
    routes_fixture f("", with_language(testing::crisis_routing, w.language), "crisis",
                     core::urgency::urgent);
    testing::running_service s(f.cfg);
    const auto link = f.link("not_mine", "hoitaja@varia.test");
    auto page = call(s.client, "GET", s.base + link);
    INFO(page.body);
    CHECK(page.status == 200);
    CHECK_THAT(page.body, Catch::Contains(with_id(w.leave_explanation, f.ticket_id)));
    CHECK_THAT(page.body, Catch::Contains(">" + w.leave_button + "</button>"));
    auto done = call(s.client, "POST", s.base + link);
    INFO(done.body);
    CHECK(done.status == 200);
    CHECK_THAT(done.body, Catch::Contains(with_id(w.stays_with, f.ticket_id)));
  }
}

}  // namespace

TEST_CASE("action link pages speak the language of the email: Finnish",
          "[app][tickets][language]") {
  check_pages_in({"fi", "Tiketti {id}", "Valmis", "Ei tehty",
                  "Tiketti {id} ohjataan jollekulle toiselle, ei takaisin sinulle.",
                  "Ei minulle: ohjaa uudelleen", "Merkitse ratkaistuksi",
                  "Tiketti {id} on merkitty ratkaistuksi.", "Tämä linkki on jo käytetty.",
                  "Tiketti {id} on jo ratkaistu.",
                  "Tiketti {id} on jo ratkaistu. Sitä ei voi enää ohjata uudelleen.",
                  "Tämä linkki ei ole kelvollinen.",
                  "Tiketti {id} on kriisitiketti. Se ohjataan vain toiselle kriisipäivystäjälle "
                  "tai kriisiyhteyshenkilölle",
                  "Jäät pois tiketistä {id}. Sitä ei ohjata uudelleen, koska sitä hoitavat jo: ",
                  "Ei minulle: jätä muille",
                  "Tiketti {id} jää muille käsittelijöille: ", "Kuittaa"});
}

TEST_CASE("action link pages speak the language of the email: Swedish",
          "[app][tickets][language]") {
  check_pages_in({"sv", "Ärende {id}", "Klart", "Inte gjort",
                  "Ärende {id} skickas till någon annan, aldrig tillbaka till dig.",
                  "Inte min: skicka vidare", "Markera som löst",
                  "Ärende {id} är markerat som löst.", "Den här länken har redan använts.",
                  "Ärende {id} är redan löst.",
                  "Ärende {id} är redan löst. Det kan inte längre skickas vidare.",
                  "Den här länken är inte giltig.",
                  "Ärende {id} är ett krisärende. Det skickas bara till någon annan i krisjouren "
                  "eller till kriskontakten",
                  "Du lämnar ärende {id}. Det skickas inte vidare, eftersom ",
                  "Inte min: lämna det åt de andra", "Ärende {id} stannar hos ", "Kvittera"});
}

TEST_CASE("an old link without lang still works; its page follows Accept-Language",
          "[app][tickets][language]") {
  routes_fixture f;
  testing::running_service s(f.cfg);
  const std::string id = std::to_string(f.ticket_id);
  const auto resolve = old_link(f.ticket_id, routing::ticket_action::resolve, "old-resolve-1");
  struct expectation {
    std::string accept_language, language, title;
  };
  const std::vector<expectation> cases = {
      {"sv;q=0.9, fi;q=0.8", "sv", "Ärende " + id},
      {"fi;q=0.8, sv;q=0.9", "sv", "Ärende " + id},      // q-values, not order
      {"en-GB,en;q=0.9,fi;q=0.8", "en", "Ticket " + id},
      {"de-DE, fi-FI;q=0.5", "fi", "Tiketti " + id},     // de has no wording: the next
      {"sv;q=0, fi;q=0.1", "fi", "Tiketti " + id},       // q=0: not acceptable
      {"de, et;q=0.5, *;q=0.1", "fi", "Tiketti " + id},  // none: the institution's (fi)
      {"", "fi", "Tiketti " + id},
  };
  for (const auto& c : cases) {
    CAPTURE(c.accept_language);
    auto page = call(s.client, "GET", s.base + resolve, c.accept_language);
    INFO(page.body);
    CHECK(page.status == 200);
    CHECK(page.header("Content-Language") == c.language);
    CHECK_THAT(page.body, Catch::Contains("<html lang=\"" + c.language + "\">"));
    CHECK_THAT(page.body, Catch::Contains("<h1>" + c.title + "</h1>"));
  }
  // The old link acts, once.
  auto done = call(s.client, "POST", s.base + resolve, "sv-FI");
  INFO(done.body);
  CHECK(done.status == 200);
  CHECK_THAT(done.body, Catch::Contains("Ärende " + id + " är markerat som löst."));
  auto again = call(s.client, "POST", s.base + resolve, "en");
  CHECK(again.status == 410);
  CHECK_THAT(again.body, Catch::Contains("This link was already used."));
  // A ticket that does not exist, with a valid old link: 404 in the browser's language.
  auto missing = call(s.client, "GET",
                      s.base + old_link(f.ticket_id + 100, routing::ticket_action::acknowledge,
                                        "old-missing-1"),
                      "sv");
  CHECK(missing.status == 404);
  CHECK_THAT(missing.body, Catch::Contains("Ärendet finns inte."));
}

namespace {

/// A reassign link signed for the social worker of routes_fixture, to `role`, in `language`
/// (none: a link as made before links carried lang).
std::string reassign_link(std::int64_t ticket_id, const std::string& role,
                          const std::string& language, const std::string& nonce) {
  routing::action_link l{.ticket_id = std::to_string(ticket_id),
                         .action = routing::ticket_action::reassign,
                         .role = role,
                         .actor = "kuraattori@varia.test",
                         .expires = wall_now() + std::chrono::hours(24),
                         .nonce = nonce,
                         .language = language};
  auto url = routing::make_action_link("link-key", "https://tuki.test", l);
  REQUIRE(url);
  return url->substr(std::string("https://tuki.test").size());
}

}  // namespace

TEST_CASE("refused reassignments name the roles in the page's language, never their ids",
          "[app][tickets][roles][language]") {
  routes_fixture f;  // the built-in routing; one social worker, nobody else
  testing::running_service s(f.cfg);
  const std::string id = std::to_string(f.ticket_id);
  {
    // 422: the unknown role is echoed as it is (escaped, as every text); the known ones are
    // named, in Finnish (the link's language).
    auto page = call(s.client, "POST",
                     s.base + reassign_link(f.ticket_id, "astrologer", "fi", "astro-fi-1"), "en");
    INFO(page.body);
    CHECK(page.status == 422);
    CHECK(page.header("Content-Language") == "fi");
    CHECK_THAT(page.body,
               Catch::Contains("Tikettiä " + id +
                               " ei siirretty: roolia &#39;astrologer&#39; ei ole määritetty. "
                               "Määritetyt roolit: "));
    for (const char* name : {"kuraattori", "opinto-ohjaaja", "erityisopettaja", "psykologi"})
      CHECK_THAT(page.body, Catch::Contains(name));
    for (const char* role_id : {"social_worker", "study_counsellor", "special_needs_teacher"})
      CHECK_THAT(page.body, !Catch::Contains(role_id));
  }
  {
    // A link without lang: the browser's language, Swedish.
    auto page = call(s.client, "POST",
                     s.base + reassign_link(f.ticket_id, "astrologer", "", "astro-old-1"), "sv-FI");
    INFO(page.body);
    CHECK(page.status == 422);
    CHECK(page.header("Content-Language") == "sv");
    CHECK_THAT(page.body, Catch::Contains("rollen &#39;astrologer&#39; finns inte"));
    CHECK_THAT(page.body, Catch::Contains("studiehandledare"));
    CHECK_THAT(page.body, Catch::Contains("kurator"));
    CHECK_THAT(page.body, !Catch::Contains("study_counsellor"));
  }
  {
    // The JSON API: only the message is worded, in the link's language.
    auto api = std::regex_replace(reassign_link(f.ticket_id, "astrologer", "en", "astro-api-1"),
                                  std::regex("^/t/"), "/v1/tickets/");
    auto json = nlohmann::json::parse(call(s.client, "POST", s.base + api).body, nullptr, false);
    REQUIRE(json.is_object());
    CHECK(json["ok"] == false);
    CHECK_THAT(json["message"].get<std::string>(),
               Catch::Contains("role 'astrologer' is not configured") &&
                   Catch::Contains("study counsellor") && !Catch::Contains("study_counsellor"));
  }
  {
    // 409: a configured role nobody holds is named.
    auto page =
        call(s.client, "POST",
             s.base + reassign_link(f.ticket_id, "special_needs_teacher", "sv", "snt-sv-1"));
    INFO(page.body);
    CHECK(page.status == 409);
    CHECK_THAT(page.body,
               Catch::Contains("Ärende " + id +
                               " flyttades inte: ingen har rollen &#39;speciallärare&#39;."));
  }
}

TEST_CASE("role names on staff pages are HTML-escaped", "[app][tickets][roles]") {
  routes_fixture f;
  // The same dialogs, with an English role name that is markup.
  const fs::path dialogs = f.dir / "dialogs";
  fs::copy(std::string(TUKI_SOURCE_DIR) + "/dialogs", dialogs, fs::copy_options::recursive);
  {
    std::ifstream in(dialogs / "lang" / "en.yaml");
    std::string yaml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    yaml = std::regex_replace(yaml, std::regex("study_counsellor: study counsellor"),
                              "study_counsellor: \"R&D <b>counsellor</b>\"");
    std::ofstream(dialogs / "lang" / "en.yaml") << yaml;
  }
  f.cfg.dialogs_dir = dialogs.string();
  testing::running_service s(f.cfg);
  auto page = call(s.client, "POST",
                   s.base + reassign_link(f.ticket_id, "astrologer", "en", "astro-html-1"));
  INFO(page.body);
  CHECK(page.status == 422);
  CHECK_THAT(page.body, Catch::Contains("R&amp;D &lt;b&gt;counsellor&lt;/b&gt;"));
  CHECK_THAT(page.body, !Catch::Contains("<b>"));
}

TEST_CASE("the ticket page speaks the email's language (its lang), else the browser's",
          "[app][tickets][language]") {
  routes_fixture f("", social_worker_routing("sv"));
  const std::string id = std::to_string(f.ticket_id);
  // The email's "open the ticket" link carries the email's language.
  CHECK_THAT(routes_fixture::decoded(f.mime),
             Catch::Contains("https://tuki.test/t/" + id + "?lang=sv"));
  testing::running_service s(f.cfg);
  struct expectation {
    std::string query, accept_language, language, title;
  };
  const std::vector<expectation> cases = {
      {"?lang=sv", "fi", "sv", "Ärende " + id},  // the email's language wins
      {"?lang=fi", "sv, en", "fi", "Tiketti " + id},
      {"?lang=en", "sv", "en", "Ticket " + id},
      {"", "sv", "sv", "Ärende " + id},  // an old email's link: the browser's
      {"", "", "en", "Ticket " + id},
      {"?lang=de", "sv", "sv", "Ärende " + id},   // no wording in de: the browser's
      {"?lang=SV", "fi", "fi", "Tiketti " + id},  // only what tuki writes is taken
      {"?lang=%3Cscript%3E", "", "en", "Ticket " + id},
      {"?lang=", "fi", "fi", "Tiketti " + id},
  };
  for (const auto& c : cases) {
    CAPTURE(c.query, c.accept_language);
    auto page = call(s.client, "GET", s.base + "/t/" + id + c.query, c.accept_language);
    INFO(page.body);
    CHECK(page.status == 200);
    CHECK(page.header("Content-Language") == c.language);
    CHECK_THAT(page.body, Catch::Contains("<html lang=\"" + c.language + "\">"));
    CHECK_THAT(page.body, Catch::Contains("<h1>" + c.title + "</h1>"));
    CHECK_THAT(page.body, !Catch::Contains("<script"));
  }
}
