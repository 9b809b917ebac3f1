#include "tuki/app/failure_episode.hpp"

#include <filesystem>
#include <string>

#include <unistd.h>

#include <catch2/catch.hpp>

#include "support/stderr_capture.hpp"

using namespace tuki;

TEST_CASE("a failing claim is logged as an error once per episode and when its error changes",
          "[app][store]") {
  const auto file = std::filesystem::temp_directory_path() /
                    ("tuki-failure-episode-" + std::to_string(::getpid()) + ".log");
  app::failure_episode claims("outbox_claim_failed");
  const auto disk = core::status::io_error("sqlite: disk I/O error");
  std::string log;
  {
    testing::stderr_capture capture(file);
    CHECK_FALSE(claims.note(core::status::ok()));  // nothing to say while it works
    CHECK(claims.note(disk));
    CHECK_FALSE(claims.note(disk));  // the next rounds' same failure
    CHECK_FALSE(claims.note(disk));
    CHECK(claims.note(core::status::io_error("sqlite: database is locked")));
    CHECK(claims.note(core::status::ok()));
    CHECK(claims.note(disk));  // a new episode
    log = capture.text();
  }
  std::filesystem::remove(file);
  CHECK_THAT(log, Catch::Contains("level=error event=outbox_claim_failed error=\"sqlite: disk I/O error\""));
  CHECK_THAT(log, Catch::Contains("level=error event=outbox_claim_failed error=\"sqlite: database is locked\""));
  CHECK_THAT(log, Catch::Contains("level=info event=outbox_claim_failed_recovered"));
}
