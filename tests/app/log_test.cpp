#include "tuki/app/log.hpp"

#include <catch2/catch.hpp>

using tuki::app::log_level;
using tuki::app::log_line;

TEST_CASE("log lines quote and escape values so that none can forge a line", "[log]") {
  const std::string ts = "2026-01-05T10:00:00.000Z";
  CHECK(log_line(ts, log_level::info, "listening", {{"port", "8080"}, {"store", "var/tuki.db"}}) ==
        "ts=2026-01-05T10:00:00.000Z level=info event=listening port=8080 store=var/tuki.db\n");
  CHECK(log_line(ts, log_level::warn, "e", {{"reason", "two words"}, {"empty", ""}}) ==
        "ts=2026-01-05T10:00:00.000Z level=warn event=e reason=\"two words\" empty=\"\"\n");
  // A value that tries to end the line and start a forged one, with a terminal escape.
  const std::string forged =
      "x\r\nts=2026-01-05T10:00:01.000Z level=error event=admin_login\x1b[2K\t\x7f";
  const std::string line = log_line(ts, log_level::warn, "inbound_rejected", {{"reason", forged}});
  CHECK(line ==
        "ts=2026-01-05T10:00:00.000Z level=warn event=inbound_rejected reason=\"x\\r\\nts=2026-01-"
        "05T10:00:01.000Z level=error event=admin_login\\x1b[2K\\t\\x7f\"\n");
  for (std::size_t i = 0; i + 1 < line.size(); ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    INFO("byte " << i << " of " << line);
    CHECK((c >= 0x20 && c != 0x7f));
  }
  // A control byte alone is enough to quote a value; quotes and backslashes are escaped.
  CHECK(log_line(ts, log_level::info, "e", {{"v", "a\x01"}}) ==
        "ts=2026-01-05T10:00:00.000Z level=info event=e v=\"a\\x01\"\n");
  CHECK(log_line(ts, log_level::info, "e", {{"v", "say=\"hi\\\""}}) ==
        "ts=2026-01-05T10:00:00.000Z level=info event=e v=\"say=\\\"hi\\\\\\\"\"\n");
}
