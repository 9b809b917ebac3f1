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

TEST_CASE("a crisis text queued while a paced batch is sent goes before the rest of the batch",
          "[app][outbox]") {
  const fs::path dir = fs::temp_directory_path() / ("tuki-pacing-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  testing::sendsms_sink sink;
  // 4 segments a second, no burst: one SMS every 250 ms.
  auto parsed = config::parse_config(
      "dialogs_dir: " + std::string(TUKI_SOURCE_DIR) + "/dialogs\n" +
          "http:\n  port: 0\nstore:\n  path: " + (dir / "tuki.db").string() +
          "\nmail:\n  type: file\n  dir: " + (dir / "mail").string() +
          "\ngateways:\n  - name: kannel\n    type: kannel\n    sendsms_url: " + sink.url() +
          "\n    username: tuki\n    password: kannel\n    rate_limit: 4\n    rate_burst: 1\n"
          "institutions:\n  - id: varia\n    gateway: kannel\n",
      "test.yaml", config::process_env());
  INFO(parsed.error().to_string());
  REQUIRE(parsed);
  const auto& cfg = *parsed;
  auto store = app::open_store(cfg);
  REQUIRE(store);
  const auto s = testing::aino();
  REQUIRE((*store)->upsert_students({s}, wall_now()));
  const auto sid = (*store)->find_student_by_phone(s.phone)->id;
  constexpr int bulk = 8;
  for (int i = 0; i < bulk; ++i)
    REQUIRE((*store)->enqueue_sms(sid, "kannel", "bulk-" + std::to_string(i), 2, "question",
                                  wall_now(), wall_now()));
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
