// The mail worker in the running service, against a loopback SMTP server that refuses the
// addresses starting with "gone": a refusal is reported (error log, ticket history, metric) and
// offered again hourly; one refused recipient does not hold the mail back from the others; the
// first mail through after an outage makes the waiting mail due at once.
#include <algorithm>
#include <filesystem>
#include <future>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/running_service.hpp"
#include "support/scripted_smtp_server.hpp"
#include "support/stderr_capture.hpp"
#include "support/students.hpp"
#include "tuki/app/service.hpp"
#include "tuki/app/wall_clock.hpp"
#include "tuki/core/routing/ticket_json.hpp"

using namespace tuki;
namespace fs = std::filesystem;

namespace {

using app::wall_now;

const char* mime =
    "From: tuki@varia.test\r\nTo: staff@varia.test\r\nSubject: Ticket\r\n\r\nTicket 1\r\n";

struct mail_fixture {
  fs::path dir;
  config::config cfg;
  std::int64_t ticket_id = 0;

  explicit mail_fixture(const std::string& smtp_url) {
    dir = fs::temp_directory_path() / ("tuki-mail-worker-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::string yaml = "dialogs_dir: " + std::string(TUKI_SOURCE_DIR) + "/dialogs\n" +
                       "http:\n  port: 0\nstore:\n  path: " + (dir / "tuki.db").string() +
                       "\nmail:\n  type: smtp\n  url: " + smtp_url +
                       "\ngateways:\n  - name: console\n    type: console\n"
                       "institutions:\n  - id: varia\n    gateway: console\n";
    auto c = config::parse_config(yaml, "test.yaml", config::process_env());
    INFO(c.error().to_string());
    REQUIRE(c);
    cfg = *c;
    auto store = app::open_store(cfg);
    REQUIRE(store);
    const auto s = testing::aino("en");
    REQUIRE((*store)->upsert_students({s}, wall_now()));
    adapters::ticket_row t;
    t.institution_id = "varia";
    t.student_id = (*store)->find_student_by_phone(s.phone)->id;
    t.category = "wellbeing";
    t.urgency = "crisis";
    t.status = "open";
    auto id = (*store)->open_ticket(t, wall_now());
    REQUIRE(id);
    ticket_id = *id;
  }
  ~mail_fixture() { fs::remove_all(dir); }

  /// A mail job for the ticket to `recipients`, due at `due`; `attempts` and `last_error` as a
  /// job that failed before has them.
  std::int64_t mail_job(std::vector<std::string> recipients, core::instant due, int attempts = 0,
                        const std::string& last_error = "", const std::string& notice = "",
                        std::optional<core::instant> assigned_at = std::nullopt) {
    auto store = app::open_store(cfg);
    REQUIRE(store);
    nlohmann::json job{{"from", "tuki@varia.test"},
                       {"recipients", recipients},
                       {"mime", mime},
                       {"ticket_id", ticket_id}};
    if (!notice.empty()) job["notice"] = notice;
    if (assigned_at) job["assigned_at"] = core::to_unix_ms(*assigned_at);
    auto id =
        (*store)->enqueue_job("mail", job.dump(), due, wall_now(), adapters::job_priority::crisis);
    REQUIRE(id);
    auto& q =
        (*store)->db().prepare("UPDATE outbox SET attempts = ?2, last_error = ?3 WHERE id = ?1");
    REQUIRE(q.bind(1, *id).bind(2, attempts).bind(3, last_error).run());
    return *id;
  }

  struct job_row {
    std::string status, last_error;
    std::int64_t attempts = 0, due_at = 0;
  };
  job_row job(std::int64_t id) {
    auto store = app::open_store(cfg);
    REQUIRE(store);
    auto& q = (*store)->db().prepare(
        "SELECT status, last_error, attempts, due_at FROM outbox WHERE id = ?1");
    q.bind(1, id);
    REQUIRE(q.step());
    job_row r{q.column_text(0), q.column_text(1), q.column_int(2), q.column_int(3)};
    q.reset();
    return r;
  }
  /// Waits (bounded) until job `id` was tried `attempts` times and is no longer running.
  job_row settled(std::int64_t id, std::int64_t attempts) {
    job_row r;
    for (int i = 0; i < 400; ++i) {
      r = job(id);
      if (r.attempts >= attempts && r.status != "running") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return r;
  }
  std::vector<std::pair<std::string, std::string>> events() {
    auto store = app::open_store(cfg);
    REQUIRE(store);
    std::vector<std::pair<std::string, std::string>> out;
    auto& q = (*store)->db().prepare(
        "SELECT event, detail FROM ticket_events WHERE ticket_id = ?1 AND event <> 'NEW' "
        "ORDER BY id");
    q.bind(1, ticket_id);
    while (q.step()) out.emplace_back(q.column_text(0), q.column_text(1));
    q.reset();
    return out;
  }
};

std::string metrics_text(testing::running_service& s) {
  std::promise<core::http_response> p;
  s.client.submit({"GET", s.base + "/metrics", {}, "", ""},
                  [&p](core::http_response r, std::string) { p.set_value(r); });
  return p.get_future().get().body;
}

/// What the service did with job `id` on its first attempt: the job's row, the log, /metrics.
struct first_attempt {
  mail_fixture::job_row row;
  std::string log, metrics;
};
first_attempt run_first_attempt(mail_fixture& f, std::int64_t id) {
  first_attempt out;
  testing::stderr_capture capture(f.dir / "stderr.log");
  {
    testing::running_service s(f.cfg);
    out.row = f.settled(id, 1);
    out.metrics = metrics_text(s);
  }
  out.log = capture.text();
  return out;
}

}  // namespace

TEST_CASE("a crisis mail the server refuses is reported, kept and offered again hourly",
          "[app][mail]") {
  testing::scripted_smtp_server server({});
  mail_fixture f(server.url());
  auto id = f.mail_job({"gone.kriisi@varia.test"}, wall_now());
  const auto before = core::to_unix_ms(wall_now());
  auto [row, log, metrics] = run_first_attempt(f, id);
  INFO(log);
  CHECK(row.status == "queued");  // never dropped
  CHECK(row.due_at >= before + 3'600'000);
  CHECK(row.due_at <= core::to_unix_ms(wall_now()) + 3'600'000);
  CHECK_THAT(row.last_error, Catch::StartsWith("refused: "));
  CHECK_THAT(log, Catch::Contains("level=error event=mail_refused"));
  CHECK_THAT(log, Catch::Contains("job=" + std::to_string(id)));
  CHECK_THAT(log, Catch::Contains("ticket_id=" + std::to_string(f.ticket_id)));
  CHECK_THAT(log, Catch::Contains("smtp_code=550"));
  CHECK_THAT(log, Catch::Contains("User unknown"));
  CHECK_THAT(log, !Catch::Contains("gone.kriisi"));  // no address
  CHECK_THAT(log, !Catch::Contains("event=mail_deferred"));
  CHECK_THAT(metrics, Catch::Contains("tuki_mail_refused_total 1"));
  auto events = f.events();
  REQUIRE(events.size() == 1);
  CHECK(events[0].first == "NOTIFY_FAILED");
  CHECK_THAT(events[0].second, Catch::Contains("SMTP 550"));
  CHECK_THAT(events[0].second, !Catch::Contains("@"));
}

TEST_CASE(
    "a server that refuses tuki itself is the operator's to fix; the crisis mail waits "
    "as in an outage",
    "[app][mail]") {
  // A 554 greeting (tuki's address blocklisted): every message would meet it, so it is neither
  // this crisis mail's refusal (hourly) nor silent: an error naming what to check, and the
  // crisis backoff (5 s, at most 30 s), so that the mail goes soon after the fix.
  testing::scripted_smtp_server server(
      {.greeting = "554 5.7.1 Service unavailable; client host blocked using zen.spamhaus.org"});
  mail_fixture f(server.url());
  auto id = f.mail_job({"kriisi@varia.test"}, wall_now());
  auto [row, log, metrics] = run_first_attempt(f, id);
  INFO(log);
  CHECK(row.status == "queued");
  CHECK(row.due_at <= core::to_unix_ms(wall_now()) + 30'000);
  CHECK_THAT(row.last_error, !Catch::StartsWith("refused: "));
  CHECK_THAT(log, Catch::Contains("level=error event=mail_server_refused"));
  CHECK_THAT(log, Catch::Contains("smtp_code=554"));
  CHECK_THAT(log, Catch::Contains("mail.from"));
  CHECK_THAT(log, !Catch::Contains("event=mail_refused"));
  CHECK_THAT(metrics, Catch::Contains("tuki_mail_server_refused_total 1"));
  CHECK_THAT(metrics, !Catch::Contains("tuki_mail_refused_total"));
  auto events = f.events();
  REQUIRE_FALSE(events.empty());
  CHECK(events[0].first == "NOTIFY_RETRY");
}

TEST_CASE("one refused recipient does not hold a mail back from the others", "[app][mail]") {
  testing::scripted_smtp_server server({});
  mail_fixture f(server.url());
  auto id = f.mail_job({"kriisi@varia.test", "gone.opo@varia.test", "busy.rehtori@varia.test"},
                       wall_now());
  std::string log;
  mail_fixture::job_row row;
  {
    testing::stderr_capture capture(f.dir / "stderr.log");
    {
      testing::running_service s(f.cfg);
      row = f.settled(id, 1);
    }
    log = capture.text();
  }
  INFO(log);
  CHECK(row.status == "done");
  CHECK(server.delivered_to() == std::vector<std::string>{"kriisi@varia.test"});
  CHECK_THAT(log, Catch::Contains("level=error event=mail_refused"));
  CHECK_THAT(log, Catch::Contains("refused_recipients=1"));
  CHECK_THAT(log, !Catch::Contains("gone.opo"));
  // The deferred recipient has a job of its own, crisis like the first, for it alone.
  auto store = app::open_store(f.cfg);
  REQUIRE(store);
  auto& q = (*store)->db().prepare(
      "SELECT payload, priority, status FROM outbox WHERE kind = 'mail' AND id <> ?1");
  q.bind(1, id);
  REQUIRE(q.step());
  auto payload = nlohmann::json::parse(q.column_text(0));
  CHECK(payload["recipients"] == std::vector<std::string>{"busy.rehtori@varia.test"});
  CHECK(payload["ticket_id"] == f.ticket_id);
  CHECK(q.column_int(1) == 0);
  CHECK(q.column_text(2) == "queued");
  CHECK_FALSE(q.step());
  q.reset();
  std::vector<std::string> names;
  for (const auto& e : f.events()) names.push_back(e.first);
  CHECK(names == std::vector<std::string>{"NOTIFIED", "NOTIFY_FAILED", "NOTIFY_RETRY"});
}

TEST_CASE("the first mail through after an outage makes the waiting mail due, not the refused",
          "[app][mail]") {
  testing::scripted_smtp_server server({});
  mail_fixture f(server.url());
  const auto later = wall_now() + std::chrono::minutes(40);
  // Mail in backoff from an outage before the start, and one the server refused.
  auto waiting1 = f.mail_job({"a@varia.test"}, later, 6, "mail server: connection refused");
  auto waiting2 = f.mail_job({"b@varia.test"}, later, 6, "mail server: connection refused");
  auto refused = f.mail_job({"c@varia.test"}, later, 2, "refused: mail refused: 550");
  auto fresh = f.mail_job({"d@varia.test"}, wall_now());
  {
    testing::running_service s(f.cfg);
    CHECK(f.settled(fresh, 1).status == "done");
    CHECK(f.settled(waiting1, 7).status == "done");
    CHECK(f.settled(waiting2, 7).status == "done");
  }
  auto r = f.job(refused);
  CHECK(r.status == "queued");
  CHECK(r.attempts == 2);
  CHECK(r.due_at == core::to_unix_ms(later));
  auto to = server.delivered_to();
  std::sort(to.begin(), to.end());
  CHECK(to == std::vector<std::string>{"a@varia.test", "b@varia.test", "d@varia.test"});
}

TEST_CASE("a reminder that waited while the ticket was acknowledged is not sent; the rest are",
          "[app][mail]") {
  testing::scripted_smtp_server server({});
  mail_fixture f(server.url());
  {
    auto store = app::open_store(f.cfg);
    REQUIRE(store);
    REQUIRE((*store)->update_ticket(f.ticket_id, "ACKNOWLEDGED", "", "", wall_now()));
  }
  const auto now = wall_now();
  auto reminder =
      f.mail_job({"a@varia.test"}, now, 6, "mail server: connection refused", "reminder");
  auto escalation = f.mail_job({"b@varia.test"}, now, 6, "mail server: down", "escalation");
  auto still_open = f.mail_job({"c@varia.test"}, now, 0, "", "still_open");
  auto wrote = f.mail_job({"d@varia.test"}, now, 0, "", "student_wrote");
  auto unknown = f.mail_job({"e@varia.test"}, now, 0);  // written before jobs named their kind
  std::string log;
  {
    testing::stderr_capture capture(f.dir / "stderr.log");
    {
      testing::running_service s(f.cfg);
      // One claim takes all five; the stale two are finished before anything is sent.
      for (auto id : {still_open, wrote, unknown}) f.settled(id, 1);
    }
    log = capture.text();
  }
  INFO(log);
  for (auto id : {reminder, escalation, still_open, wrote, unknown})
    CHECK(f.job(id).status == "done");
  auto delivered = server.delivered_to();
  std::sort(delivered.begin(), delivered.end());
  CHECK(delivered == std::vector<std::string>{"c@varia.test", "d@varia.test", "e@varia.test"});
  CHECK_THAT(log, Catch::Contains("event=mail_superseded job=" + std::to_string(reminder)));
  CHECK_THAT(log, Catch::Contains("notice=escalation"));
  std::vector<std::string> superseded;
  for (const auto& [event, detail] : f.events())
    if (event == "NOTICE_SUPERSEDED") superseded.push_back(detail);
  CHECK(superseded ==
        std::vector<std::string>{"reminder email not sent: the ticket is ACKNOWLEDGED already",
                                 "escalation email not sent: the ticket is ACKNOWLEDGED already"});
}

TEST_CASE("the SLA's emails of an assignment that ended while they waited are not sent",
          "[app][mail]") {
  testing::scripted_smtp_server server({});
  mail_fixture f(server.url());
  const auto first = wall_now() - std::chrono::hours(30);
  const auto second = wall_now() - std::chrono::hours(2);
  {
    // The ticket went from the counsellor to the nurse two hours ago (reassigned).
    routing::ticket t;
    t.id = std::to_string(f.ticket_id);
    t.category = "wellbeing";
    t.status = routing::ticket_status::reassigned;
    t.assignees = {{"nurse@varia.test", "Nea", "nurse", "", "", ""}};
    t.created_at = first;
    t.assigned_at = second;
    auto store = app::open_store(f.cfg);
    REQUIRE(store);
    REQUIRE((*store)->save_ticket_state(f.ticket_id, "REASSIGNED", "nurse", "nurse@varia.test",
                                        routing::to_json(t).dump(), std::nullopt, wall_now()));
  }
  const auto now = wall_now();
  auto old_reminder = f.mail_job({"counsellor@varia.test"}, now, 3, "", "reminder", first);
  auto old_escalation = f.mail_job({"boss@varia.test"}, now, 3, "", "escalation", first);
  auto reminder = f.mail_job({"nurse@varia.test"}, now, 0, "", "reminder", second);
  // Written before jobs carried the assignment: the recipient is checked alone.
  auto older_job = f.mail_job({"counsellor@varia.test"}, now, 0, "", "reminder");
  auto news = f.mail_job({"counsellor@varia.test"}, now, 0, "", "new_ticket", first);
  {
    testing::running_service s(f.cfg);
    for (auto id : {reminder, news}) f.settled(id, 1);
  }
  for (auto id : {old_reminder, old_escalation, reminder, older_job, news})
    CHECK(f.job(id).status == "done");
  auto delivered = server.delivered_to();
  std::sort(delivered.begin(), delivered.end());
  CHECK(delivered == std::vector<std::string>{"counsellor@varia.test", "nurse@varia.test"});
  std::vector<std::string> superseded;
  for (const auto& [event, detail] : f.events())
    if (event == "NOTICE_SUPERSEDED") superseded.push_back(detail);
  CHECK(superseded == std::vector<std::string>{
                          "reminder email not sent: the ticket was assigned again since",
                          "escalation email not sent: the ticket was assigned again since",
                          "reminder email not sent: the recipient is no longer on the ticket"});
}
