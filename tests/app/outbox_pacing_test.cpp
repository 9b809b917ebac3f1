// The outbox pump under a gateway rate limit: a crisis text queued while a claimed batch is paced
// goes before the rest of that batch. The whole service, a Kannel-like sink on loopback.
#include <algorithm>
#include <filesystem>
#include <functional>
#include <memory>

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

// A service configuration in a directory of its own, with gateway "kannel" at 4 segments a
// second, no burst (one SMS every 250 ms), sending to `sink`, and Aino stored. `more(url)` adds
// gateways and then the institutions (YAML list items, the sink's url given).
struct pacing_rig {
  fs::path dir;
  testing::sendsms_sink sink;
  config::config cfg;
  std::unique_ptr<adapters::sqlite_store> store;
  std::int64_t sid = 0;

  pacing_rig(const std::string& name, const std::function<std::string(const std::string&)>& more)
      : dir(fs::temp_directory_path() / (name + "-" + std::to_string(::getpid()))) {
    fs::remove_all(dir);
    fs::create_directories(dir);
    auto parsed = config::parse_config(
        "dialogs_dir: " + std::string(TUKI_SOURCE_DIR) + "/dialogs\n" +
            "http:\n  port: 0\nstore:\n  path: " + (dir / "tuki.db").string() +
            "\nmail:\n  type: file\n  dir: " + (dir / "mail").string() +
            "\ngateways:\n  - name: kannel\n    type: kannel\n    sendsms_url: " + sink.url() +
            "\n    username: tuki\n    password: kannel\n    rate_limit: 4\n    rate_burst: 1\n" +
            more(sink.url()),
        "test.yaml", config::process_env());
    INFO(parsed.error().to_string());
    REQUIRE(parsed);
    cfg = *parsed;
    auto opened = app::open_store(cfg);
    REQUIRE(opened);
    store = std::move(*opened);
    const auto s = testing::aino();
    REQUIRE(store->upsert_students({s}, wall_now()));
    sid = store->find_student_by_phone(s.phone)->id;
  }
  ~pacing_rig() {
    store.reset();
    fs::remove_all(dir);
  }
};

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
  pacing_rig rig("tuki-pacing", [](const std::string&) {
    return "institutions:\n  - id: varia\n    gateway: kannel\n";
  });
  constexpr int bulk = 8;
  enqueue_bulk(*rig.store, rig.sid, "kannel", "bulk", bulk);
  std::vector<std::string> texts;
  {
    testing::running_service running(rig.cfg);
    // The pump has claimed all eight in one batch and sent the first: now a crisis text.
    REQUIRE(rig.sink.wait_for(1).size() >= 1);
    REQUIRE(rig.store->enqueue_sms(rig.sid, "kannel", "crisis", 0, "crisis_helpline", wall_now(),
                                   wall_now()));
    texts = rig.sink.wait_for(bulk + 1);
    running.stop();
  }
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
  // "fast" has no rate limit; both gateways send to the same sink, which records the order.
  pacing_rig rig("tuki-pacing2", [](const std::string& url) {
    return "  - name: fast\n    type: kannel\n    sendsms_url: " + url +
           "\n    username: tuki\n    password: kannel\n"
           "institutions:\n  - id: varia\n    gateway: kannel\n  - id: omnia\n    gateway: fast\n";
  });
  // All queued before the service starts, so one batch claims them in queue order: eight paced
  // bulk texts, then two of the same priority on the unlimited gateway.
  constexpr int bulk = 8;
  enqueue_bulk(*rig.store, rig.sid, "kannel", "bulk", bulk);
  enqueue_bulk(*rig.store, rig.sid, "fast", "fast", 2);
  std::vector<std::string> texts;
  {
    testing::running_service running(rig.cfg);
    texts = rig.sink.wait_for(bulk + 2);
    running.stop();
  }
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
