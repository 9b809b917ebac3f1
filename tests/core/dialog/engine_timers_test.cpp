// The dialog engine's timers: a wait's timeout under the step's token, and the session's one
// expiry timer, stored at its first wait and live whatever its token once the expiry has come.
// A small dialog whose first wait moves on by itself (on_timeout) to a wait without a timeout.
#include <optional>

#include <catch2/catch.hpp>

#include "support/dialog_dir.hpp"

#include "tuki/core/dialog/engine.hpp"
#include "tuki/core/dialog/library.hpp"

using namespace tuki;
using namespace tuki::dialog;

namespace {

const char* quiet_dialog = R"(tuki_dialog: 1
id: quiet
base_language: en
languages: [en]
expiry: 48h
start: ask
nodes:
  - id: ask
    text: "How are you? yes?"
    wait:
      timeout: 1h
      on_timeout: silent
    cases:
      - {match: {yes_no: "yes"}, category: "yes"}
    default: {category: unknown, max_hints: 0, fallback: "yes"}
    categories:
      "yes": {next: bye}
      silent: {next: nudge}
  - id: nudge
    text: "Still there? yes?"
    wait:
    cases:
      - {match: {yes_no: "yes"}, category: "yes"}
    default: {category: unknown, max_hints: 0, fallback: "yes"}
    categories:
      "yes": {next: bye}
  - id: bye
    text: "Bye"
)";

struct quiet_library {
  testing::dialog_dir dir{"tuki_engine_timers"};
  std::optional<dialog_library> lib;
  quiet_library() {
    dir.write("quiet.yaml", quiet_dialog);
    auto loaded = dialog_library::load(dir.path);
    INFO(loaded.error().message());
    REQUIRE(loaded.is_ok());
    lib.emplace(std::move(*loaded));
  }
};

std::vector<core::schedule_timer> timers_of(const step_output& out) {
  std::vector<core::schedule_timer> v;
  for (const auto& e : out.effects)
    if (const auto* t = std::get_if<core::schedule_timer>(&e)) v.push_back(*t);
  return v;
}

}  // namespace

TEST_CASE(
    "a wait that moves on by itself schedules no second expiry, and the first one ends "
    "the session",
    "[dialog][timers]") {
  quiet_library q;
  const student_context who{"s", "Alex", "en", {}};
  const conversation_settings cs;
  const core::instant t0 = core::from_unix_ms(1'767'603'600'000);

  auto started = start(*q.lib, "quiet", who, cs, t0);
  REQUIRE(started.state);
  const auto first = timers_of(started);
  REQUIRE(first.size() == 2);
  CHECK(first[0].kind == timer_wait_timeout);
  CHECK(first[0].at == t0 + std::chrono::hours(1));
  CHECK(first[1].kind == timer_expiry);
  CHECK(first[1].at == t0 + std::chrono::hours(48));
  CHECK(first[1].at == started.state->expires);

  // The timeout moves the session on to a wait without a timeout: no timer at all.
  const core::instant t1 = t0 + std::chrono::hours(1);
  auto moved = on_timer(*q.lib, *started.state, who, cs, timer_wait_timeout, first[0].token, t1);
  REQUIRE(moved.state);
  CHECK(moved.state->node == "nudge");
  CHECK(moved.category == std::optional<std::string>("silent"));
  CHECK(timers_of(moved).empty());
  CHECK(moved.state->token != first[1].token);

  // The old timeout is stale now; the expiry timer from the start is not once its time comes.
  CHECK_FALSE(timer_is_live(*moved.state, timer_wait_timeout, first[0].token, t1));
  CHECK_FALSE(timer_is_live(*moved.state, timer_expiry, first[1].token,
                            first[1].at - std::chrono::seconds(1)));
  CHECK(timer_is_live(*moved.state, timer_expiry, first[1].token, first[1].at));
  auto early = on_timer(*q.lib, *moved.state, who, cs, timer_expiry, first[1].token, t1);
  CHECK(early.effects.empty());
  REQUIRE(early.state);
  CHECK(*early.state == *moved.state);
  auto expired = on_timer(*q.lib, *moved.state, who, cs, timer_expiry, first[1].token, first[1].at);
  CHECK_FALSE(expired.state);
  REQUIRE_FALSE(expired.effects.empty());
  CHECK(std::get<core::end_session>(expired.effects.back()).outcome == "no_reply");
}
