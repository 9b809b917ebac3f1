// A second `tuki serve` on the same database must stop before it touches the queues: its start-up
// requeue would take the running service's claimed SMS and mail, and they would go out twice.
#include <filesystem>
#include <string>

#include <unistd.h>

#include <catch2/catch.hpp>

#include "support/students.hpp"
#include "tuki/app/service.hpp"
#include "tuki/app/wall_clock.hpp"

using namespace tuki;
namespace fs = std::filesystem;

TEST_CASE("a second service on the same database fails before it requeues the running one's claims",
          "[app][service][store]") {
  const fs::path dir = fs::temp_directory_path() / ("tuki-instance-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string db = (dir / "tuki.db").string();
  std::string yaml = "dialogs_dir: " + std::string(TUKI_SOURCE_DIR) + "/dialogs\n" +
                     "http:\n  port: 0\nstore:\n  path: " + db +
                     "\nmail:\n  type: file\n  dir: " + (dir / "mail").string() +
                     "\ngateways:\n  - name: console\n    type: console\n"
                     "institutions:\n  - id: varia\n    gateway: console\n";
  auto cfg = config::parse_config(yaml, "test.yaml", config::process_env());
  REQUIRE(cfg);
  {
    auto running = app::service::create(*cfg);
    REQUIRE(running);
    // The running service's outbox claims an SMS.
    std::int64_t sms = 0;
    {
      auto store = app::open_store(*cfg);
      REQUIRE(store);
      auto& s = **store;
      const auto now = app::wall_now();
      REQUIRE(s.upsert_students({testing::aino()}, now));
      const auto sid = s.find_student_by_phone(testing::aino().phone)->id;
      sms = s.enqueue_sms(sid, "console", "hei", 1, "reply", now, now).value();
      REQUIRE(s.claim_sms(10, now).value().size() == 1);
    }
    auto second = app::service::create(*cfg);
    REQUIRE_FALSE(second);
    CHECK_THAT(second.error().message(), Catch::Contains(db));
    auto store = app::open_store(*cfg);
    REQUIRE(store);
    CHECK((*store)->message_status(sms) == "sending");  // still the running service's claim
  }
  // Once the first is gone, a service starts (its lock died with it).
  {
    auto next = app::service::create(*cfg);
    CHECK(next);
  }
  fs::remove_all(dir);
}
