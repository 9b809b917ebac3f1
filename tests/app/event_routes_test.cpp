// The service's delivery wiring in-process on loopback: POST /v1/events (auth, per-item errors,
// all-or-nothing) and the scheduler pump starting a stored campaign through the console gateway.
#include "tuki/app/service.hpp"

#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include <catch2/catch.hpp>

#include "support/running_service.hpp"

#include "tuki/app/campaign_planner.hpp"
#include "tuki/app/wall_clock.hpp"

using namespace tuki;
namespace fs = std::filesystem;

namespace {

using app::wall_now;

core::http_response send(adapters::http_client& client, core::http_request r) {
  std::promise<core::http_response> p;
  client.submit(std::move(r), [&p](core::http_response resp, std::string) { p.set_value(resp); });
  return p.get_future().get();
}

core::http_request post_events(const std::string& base, const std::string& body,
                               const std::string& token) {
  core::http_request r{"POST", base + "/v1/events", {}, body, ""};
  r.headers.push_back({"Content-Type", "application/json"});
  if (!token.empty()) r.headers.push_back({"Authorization", "Bearer " + token});
  return r;
}

std::int64_t count(const config::config& cfg, const std::string& sql) {
  auto store = app::open_store(cfg);
  REQUIRE(store);
  auto& q = (*store)->db().prepare(sql);
  std::int64_t n = q.step() ? q.column_int(0) : -1;
  q.reset();
  return n;
}

// A service on loopback (port 0) over `dir`, with the console gateway and `dir`/schedule.yaml.
config::config service_config(const fs::path& dir, const std::string& top = "",
                              const std::string& gateway_options = "") {
  std::string yaml = "dialogs_dir: " + std::string(TUKI_SOURCE_DIR) + "/dialogs\n" + top +
                     "http:\n  port: 0\nstore:\n  path: " + (dir / "tuki.db").string() +
                     "\nmail:\n  type: file\n  dir: " + (dir / "mail").string() +
                     "\ngateways:\n  - name: console\n    type: console\n" + gateway_options +
                     "institutions:\n  - id: varia\n    gateway: console\n    schedule_file: " +
                     (dir / "schedule.yaml").string() + "\n";
  auto parsed = config::parse_config(yaml, "test.yaml", config::process_env());
  INFO(parsed.error().to_string());
  REQUIRE(parsed);
  return *parsed;
}

/// Students s1..sN of varia, Finnish.
void add_students(const config::config& cfg, int n) {
  auto store = app::open_store(cfg);
  REQUIRE(store);
  std::vector<core::student> students(n);
  for (int i = 0; i < n; ++i) {
    students[i].institution_id = "varia";
    students[i].ref = "s" + std::to_string(i + 1);
    students[i].phone = "+35840123456" + std::to_string(i);
    students[i].first_name = "Aino";
    students[i].language = "fi";
  }
  REQUIRE((*store)->upsert_students(students, wall_now()));
}

}  // namespace

TEST_CASE("POST /v1/events and the scheduler pump in a running service", "[app][service][events]") {
  fs::path dir = fs::temp_directory_path() / ("tuki-events-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  {
    std::ofstream sched(dir / "schedule.yaml");
    sched << "tuki_schedule: 1\ninstitution: varia\ntime_zone: Europe/Helsinki\n"
             "quiet_hours:\n  send_from: \"00:00\"\n  send_until: \"24:00\"\n";
  }
  const auto cfg = service_config(dir, "api_token: tok-0123456789\n", "    rate_limit: 100\n");
  add_students(cfg, 2);
  {
    auto store = app::open_store(cfg);
    REQUIRE(store);
    auto sched = app::load_institution_schedule(cfg.institutions[0]);
    REQUIRE(sched);
    REQUIRE((*store)->begin().is_ok());
    app::campaign_request req{"varia", "weekly_checkin", "manual", "t", true, false, std::nullopt};
    auto planned = app::plan_and_store_campaign(**store, *sched,
                                                (*store)->campaign_candidates("varia", "all"),
                                                req, {}, wall_now());
    INFO(planned.error().to_string());
    REQUIRE(planned);
    CHECK(planned->planned == 2);
    REQUIRE((*store)->commit().is_ok());
  }
  testing::running_service running(cfg);
  auto& client = running.client;
  const std::string& base = running.base;

  const std::string good = R"([{"student_id":"s1","event":"absence","date":"2026-09-01","value":1},
                               {"student_id":"s2","event":"absence","date":"2026-09-02"}])";
  CHECK(send(client, post_events(base, good, "")).status == 401);
  CHECK(send(client, post_events(base, good, "wrong-token")).status == 401);
  auto bad = send(client, post_events(base, R"([{"student_id":"s1","event":"absence","date":"2026-09-01"},
      {"student_id":"nobody","event":"absence","date":"2026-09-01"},
      {"student_id":"s2","event":"absence","date":"2026-13-01"}])", "tok-0123456789"));
  CHECK(bad.status == 400);
  CHECK_THAT(bad.body, Catch::Contains("\"index\":1") && Catch::Contains("unknown student_id 'nobody'"));
  CHECK_THAT(bad.body, Catch::Contains("\"index\":2"));
  auto ok = send(client, post_events(base, good, "tok-0123456789"));
  CHECK(ok.status == 200);
  CHECK(ok.body == "{\"new\":2,\"stored\":2,\"unchanged\":0,\"updated\":0}\n");
  // The same body again changes nothing (the scheme name in any case); a new value for a
  // stored event replaces it.
  auto lower_case = post_events(base, good, "");
  lower_case.headers.push_back({"Authorization", "bearer tok-0123456789"});
  auto same = send(client, lower_case);
  CHECK(same.status == 200);
  CHECK(same.body == "{\"new\":0,\"stored\":2,\"unchanged\":2,\"updated\":0}\n");
  const std::string correction =
      R"([{"student_id":"s1","event":"absence","date":"2026-09-01","value":3}])";
  auto changed = send(client, post_events(base, correction, "tok-0123456789"));
  CHECK(changed.status == 200);
  CHECK(changed.body == "{\"new\":0,\"stored\":1,\"unchanged\":0,\"updated\":1}\n");

  // The scheduler pump starts both planned check-ins; the console gateway "sends" them.
  std::int64_t sent = 0;
  for (int i = 0; i < 200 && sent < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    sent = count(cfg, "SELECT COUNT(*) FROM messages WHERE direction = 'out' AND status = 'sent'");
  }
  auto metrics = send(client, core::http_request{"GET", base + "/metrics", {}, "", ""});
  running.stop();
  CHECK(sent == 2);
  CHECK(count(cfg, "SELECT COUNT(*) FROM events") == 2);  // the bad request stored nothing
  CHECK(count(cfg, "SELECT SUM(value) FROM events") == 4);  // s1's 3 (updated) and s2's 1
  CHECK(count(cfg, "SELECT COUNT(*) FROM planned_sends WHERE status = 'started'") == 2);
  // The opening question is stored with its cost: one GSM-7 segment in Finnish.
  CHECK(count(cfg, "SELECT COUNT(*) FROM messages WHERE segments = 1 AND encoding = 'gsm7'") == 2);
  CHECK_THAT(metrics.body, Catch::Contains("tuki_planned_sends_waiting 0"));
  CHECK_THAT(metrics.body, Catch::Contains("\ntuki_tickets_unrouted 0\n"));
  fs::remove_all(dir);
}

TEST_CASE("the scheduler pump plans a due recurring rule, its walk on the read connection",
          "[app][service][scheduler]") {
  fs::path dir = fs::temp_directory_path() / ("tuki-recurring-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  {
    // Every day at 00:00: today's occurrence is always within the 24-hour lookback.
    std::ofstream sched(dir / "schedule.yaml");
    sched << "tuki_schedule: 1\ninstitution: varia\ntime_zone: Europe/Helsinki\n"
             "quiet_hours:\n  send_from: \"00:00\"\n  send_until: \"24:00\"\n"
             "recurring:\n  - id: daily\n    dialog: weekly_checkin\n"
             "    weekdays: [mon, tue, wed, thu, fri, sat, sun]\n    at: \"00:00\"\n"
             "    from: 2026-01-01\n    until: 2036-12-31\n";
  }
  const auto cfg = service_config(dir);
  add_students(cfg, 5);
  auto svc = app::service::create(cfg);
  INFO(svc.error().to_string());
  REQUIRE(svc);
  std::thread runner([&] { (*svc)->run(); });
  std::int64_t campaigns = 0;
  for (int i = 0; i < 200 && campaigns == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    campaigns = count(cfg, "SELECT COUNT(*) FROM campaigns WHERE rule_id = 'daily'");
  }
  // Evaluated again a few times while it runs: the occurrence is not planned twice.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  (*svc)->request_stop();
  runner.join();
  CHECK(campaigns == 1);
  CHECK(count(cfg, "SELECT COUNT(*) FROM campaigns WHERE rule_id = 'daily'") == 1);
  CHECK(count(cfg, "SELECT COUNT(*) FROM rule_runs WHERE rule_id = 'daily'") == 1);
  CHECK(count(cfg, "SELECT planned FROM campaigns WHERE rule_id = 'daily'") == 5);
  CHECK(count(cfg, "SELECT COUNT(DISTINCT student_id) FROM planned_sends") == 5);
  fs::remove_all(dir);
}
