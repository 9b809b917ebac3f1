// Whom an SMS is sent from: the institution's `sender`; without one, the gateway's own sender
// (Twilio `from`, GatewayAPI `sender`), so that students can reply to the number; else "tuki".
// The whole service, sending to a loopback sink that takes Kannel's and Twilio's sends.
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

TEST_CASE("an SMS goes from the institution's sender, else from the gateway's own",
          "[app][outbox][gateway]") {
  const fs::path dir = fs::temp_directory_path() / ("tuki-sender-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  testing::sendsms_sink sink;
  const std::string twilio =
      "    type: twilio\n    account_sid: AC123\n    auth_token: t\n"
      "    from: \"+358401111111\"\n    base_url: " +
      sink.origin() + "\n";
  auto parsed = config::parse_config(
      "dialogs_dir: " + std::string(TUKI_SOURCE_DIR) + "/dialogs\n" +
          "public_url: https://tuki.example.fi\nhttp:\n  port: 0\nstore:\n  path: " +
          (dir / "tuki.db").string() + "\nmail:\n  type: file\n  dir: " + (dir / "mail").string() +
          "\ngateways:\n  - name: tw\n" + twilio + "  - name: tw_named\n" + twilio +
          "  - name: kannel\n    type: kannel\n" + "    sendsms_url: " + sink.url() +
          "\n    username: tuki\n    password: kannel\n" +
          "    auth:\n      path_secret: Zq3-long_random.secret~1\n" +
          "institutions:\n  - id: varia\n    gateway: tw\n"
          "  - id: omnia\n    gateway: tw_named\n    sender: Omnia\n"
          "  - id: taitotalo\n    gateway: kannel\n",
      "test.yaml", config::process_env());
  INFO(parsed.error().to_string());
  REQUIRE(parsed);
  const auto& cfg = *parsed;
  {
    auto store = app::open_store(cfg);
    REQUIRE(store);
    const auto s = testing::aino();
    REQUIRE((*store)->upsert_students({s}, wall_now()));
    const auto sid = (*store)->find_student_by_phone(s.phone)->id;
    for (const std::string gateway : {"tw", "tw_named", "kannel"})
      REQUIRE((*store)->enqueue_sms(sid, gateway, "via " + gateway, 1, "question", wall_now(),
                                    wall_now()));
  }
  std::vector<std::string> texts;
  {
    testing::running_service running(cfg);
    texts = sink.wait_for(3);
    running.stop();
  }
  fs::remove_all(dir);
  const auto senders = sink.senders();
  REQUIRE(texts.size() == 3);
  std::map<std::string, std::string> from;
  for (std::size_t i = 0; i < texts.size(); ++i) from[texts[i]] = senders[i];
  CHECK(from["via tw"] == "+358401111111");  // was "tuki": students could not reply
  CHECK(from["via tw_named"] == "Omnia");
  CHECK(from["via kannel"] == "tuki");
}
