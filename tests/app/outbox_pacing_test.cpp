// The outbox pump under a gateway rate limit: a crisis text queued while a claimed batch is paced
// goes before the rest of that batch. The whole service, a Kannel-like sink on loopback.
#include <algorithm>
#include <filesystem>

#include <unistd.h>

#include <catch2/catch.hpp>

#include "support/running_service.hpp"
#include "support/sendsms_sink.hpp"
#include "support/students.hpp"
#include "tuki/app/wall_clock.hpp"

using namespace tuki;
namespace fs = std::filesystem;

using app::wall_now;

namespace {

// Gateway "kannel" at 4 segments a second, no burst (one SMS every 250 ms), for institution
// varia; `more` adds gateways and institutions (YAML list items) after it.
core::result<config::config> pacing_config(const fs::path& dir, const testing::sendsms_sink& sink,
                                           const std::string& more) {
  return config::parse_config(
      "dialogs_dir: " + std::string(TUKI_SOURCE_DIR) + "/dialogs\n" +
          "http:\n  port: 0\nstore:\n  path: " + (dir / "tuki.db").string() +
          "\nmail:\n  type: file\n  dir: " + (dir / "mail").string() +
          "\ngateways:\n  - name: kannel\n    type: kannel\n    sendsms_url: " + sink.url() +
          "\n    username: tuki\n    password: kannel\n    rate_limit: 4\n    rate_burst: 1\n" +
          more,
      "test.yaml", config::process_env());
}

std::int64_t add_aino(adapters::sqlite_store& store) {
  const auto s = testing::aino();
  REQUIRE(store.upsert_students({s}, wall_now()));
  return store.find_student_by_phone(s.phone)->id;
}

// `n` bulk texts "<prefix>-0", "<prefix>-1", ... to the student on `gateway`, due now.
void enqueue_bulk(adapters::sqlite_store& store, std::int64_t sid, const std::string& gateway,
                  const std::string& prefix, int n) {
  for (int i = 0; i < n; ++i)
    REQUIRE(store.enqueue_sms(sid, gateway, prefix + "-" + std::to_string(i), 2, "question",
                              wall_now(), wall_now()));
}

}  // namespace

TEST_CASE("a crisis text queued while a paced batch is sent goes before the rest of the batch",
          "[app][outbox]") {
  const fs::path dir = fs::temp_directory_path() / ("tuki-pacing-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  testing::sendsms_sink sink;
  auto parsed = pacing_config(dir, sink, "institutions:\n  - id: varia\n    gateway: kannel\n");
  INFO(parsed.error().to_string());
  REQUIRE(parsed);
  const auto& cfg = *parsed;
  auto store = app::open_store(cfg);
  REQUIRE(store);
  const auto sid = add_aino(**store);
  constexpr int bulk = 8;
  enqueue_bulk(**store, sid, "kannel", "bulk", bulk);
  std::vector<std::string> texts;
  {
    testing::running_service running(cfg);
    // The pump has claimed all eight in one batch and sent the first: now a crisis text.
    REQUIRE(sink.wait_for(1).size() >= 1);
    REQUIRE((*store)->enqueue_sms(sid, "kannel", "crisis", 0, "crisis_helpline", wall_now(),
                                  wall_now()));
    texts = sink.wait_for(bulk + 1);
    running.stop();
  }
  fs::remove_all(dir);
  INFO(Catch::Detail::stringify(texts));
  REQUIRE(texts.size() == bulk + 1);
  const auto crisis = std::find(texts.begin(), texts.end(), "crisis") - texts.begin();
  // Without the urgent claim it would be last (index 8), after the whole paced batch. It is
  // claimed before the next wait (index 1 or 2); index 4 leaves a loaded machine 750 ms.
  CHECK(crisis >= 1);
  CHECK(crisis <= 4);
  for (int i = 0; i < bulk; ++i)  // every bulk text once, in queue order
    CHECK(std::count(texts.begin(), texts.end(), "bulk-" + std::to_string(i)) == 1);
}

TEST_CASE("one gateway's rate limit does not hold another gateway's messages in the same batch",
          "[app][outbox]") {
  const fs::path dir = fs::temp_directory_path() / ("tuki-pacing2-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  testing::sendsms_sink sink;
  // "fast" has no rate limit; both gateways send to the same sink, which records the order.
  auto parsed = pacing_config(
      dir, sink,
      "  - name: fast\n    type: kannel\n    sendsms_url: " + sink.url() +
          "\n    username: tuki\n    password: kannel\n"
          "institutions:\n  - id: varia\n    gateway: kannel\n  - id: omnia\n    gateway: fast\n");
  INFO(parsed.error().to_string());
  REQUIRE(parsed);
  const auto& cfg = *parsed;
  auto store = app::open_store(cfg);
  REQUIRE(store);
  const auto sid = add_aino(**store);
  // All queued before the service starts, so one batch claims them in queue order: eight paced
  // bulk texts, then two of the same priority on the unlimited gateway.
  constexpr int bulk = 8;
  enqueue_bulk(**store, sid, "kannel", "bulk", bulk);
  enqueue_bulk(**store, sid, "fast", "fast", 2);
  std::vector<std::string> texts;
  {
    testing::running_service running(cfg);
    texts = sink.wait_for(bulk + 2);
    running.stop();
  }
  fs::remove_all(dir);
  INFO(Catch::Detail::stringify(texts));
  REQUIRE(texts.size() == bulk + 2);
  const auto at = [&](const std::string& t) {
    return std::find(texts.begin(), texts.end(), t) - texts.begin();
  };
  // Without it they would go last (indexes 8 and 9), after 1.75 s of the other gateway's pacing.
  // They go at its first wait (after bulk-0); index 4 leaves a loaded machine 750 ms.
  CHECK(at("fast-0") <= 4);
  CHECK(at("fast-1") <= 4);
  CHECK(at("fast-0") < at("fast-1"));
  for (int i = 0; i < bulk; ++i)  // the paced gateway's texts once each, in queue order
    CHECK(at("bulk-" + std::to_string(i)) <
          (i + 1 < bulk ? at("bulk-" + std::to_string(i + 1)) : static_cast<long>(bulk + 2)));
}
