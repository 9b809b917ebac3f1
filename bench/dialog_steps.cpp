// Dialog steps per second: on_reply at weekly_checkin's q1 over replies mixed across the six
// languages, next to a baseline measured in the same run (utf8proc case folding of the same
// replies: the least any step must do). Also prints the JSON size of a session.
//
// usage: bench_dialog_steps [dialogs-dir] [seconds-per-measurement] [steps]
// With a third argument `steps` only the on_reply measurement runs (for profiling it alone). With
// a number N instead, exactly N on_reply steps run over the mix and nothing else, so that two
// callgrind runs with different N give instructions per step (their difference / N difference).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <utf8proc.h>

#include "tuki/core/dialog/engine.hpp"

using namespace tuki;
using namespace tuki::dialog;
using bench_clock = std::chrono::steady_clock;

namespace {

const std::vector<std::string> replies = {
    // en
    "4", "pretty good thanks", "not ok", "I need help with maths", "👍", "maybe 3", "Badly",
    // fi
    "hyvin", "ei kovin hyvin", "rahat loppu", "kolme", "Hyvää!", "en jaksa", "5 😊",
    // sv
    "bra", "inte så bra", "3", "jag behöver hjälp med matte",
    // et
    "hästi", "mitte eriti hästi", "4",
    // lv
    "labi", "ne visai labi", "5",
    // lt
    "gerai", "ne itin gerai", "2",
};

template <class F>
double per_second(double seconds, F&& f, const std::vector<std::string>& replies = ::replies) {
  // Warm up, then run whole passes over the replies until the time is up.
  for (int i = 0; i < 1000; ++i) f(replies[i % replies.size()]);
  std::size_t n = 0;
  auto start = bench_clock::now();
  auto until = start + std::chrono::duration<double>(seconds);
  while (bench_clock::now() < until) {
    for (int pass = 0; pass < 100; ++pass)
      for (const auto& r : replies) f(r);
    n += 100 * replies.size();
  }
  double elapsed = std::chrono::duration<double>(bench_clock::now() - start).count();
  return static_cast<double>(n) / elapsed;
}

volatile std::size_t sink = 0;

}  // namespace

int main(int argc, char** argv) {
  std::string dir = argc > 1 ? argv[1] : TUKI_SOURCE_DIR "/dialogs";
  double seconds = argc > 2 ? std::atof(argv[2]) : 2.0;
  auto lib = dialog_library::load(dir);
  if (!lib) {
    std::fprintf(stderr, "%s\n", lib.error().message().c_str());
    return 1;
  }
  student_context who{"s-1", "Aino", "fi", {}};
  conversation_settings settings;
  settings.helpline = {{"fi", "opiskelijapalvelut 040 123 4567"}};
  const core::instant t0 = core::from_unix_ms(1'767'603'600'000);
  auto opened = start(*lib, "weekly_checkin", who, settings, t0);
  if (!opened.state) {
    std::fprintf(stderr, "weekly_checkin did not start\n");
    return 1;
  }
  const std::optional<session> at_q1 = opened.state;
  const core::instant now = t0 + std::chrono::minutes(5);
  if (argc > 3 && std::string(argv[3]) != "steps") {
    const long count = std::atol(argv[3]);
    for (long i = 0; i < count; ++i) {
      auto out = on_reply(*lib, at_q1, who, settings, replies[static_cast<std::size_t>(i) %
                                                              replies.size()], now);
      sink = sink + out.effects.size();
    }
    std::printf("on_reply (weekly_checkin q1):  %12ld steps run\n", count);
    return 0;
  }
  if (argc > 3) {
    double steps = per_second(seconds, [&](const std::string& r) {
      auto out = on_reply(*lib, at_q1, who, settings, r, now);
      sink = sink + out.effects.size();
    });
    std::printf("on_reply (weekly_checkin q1):  %12.0f steps/s\n", steps);
    return 0;
  }

  double baseline = per_second(seconds, [](const std::string& r) {
    utf8proc_uint8_t* out = nullptr;
    auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(r.data()),
                          static_cast<utf8proc_ssize_t>(r.size()), &out,
                          static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE |
                                                         UTF8PROC_CASEFOLD));
    sink = sink + static_cast<std::size_t>(n);
    std::free(out);
  });
  double steps = per_second(seconds, [&](const std::string& r) {
    auto out = on_reply(*lib, at_q1, who, settings, r, now);
    sink = sink + out.effects.size();
  });

  // The en and fi replies alone: the shipped lexicons know their words, so most are matched in
  // the exact pass; sv/et/lv/lt replies fall through to the tolerant pass and the hint until
  // their lexicons are merged.
  const std::vector<std::string> known(replies.begin(), replies.begin() + 14);
  double known_steps = per_second(
      seconds,
      [&](const std::string& r) {
        auto out = on_reply(*lib, at_q1, who, settings, r, now);
        sink = sink + out.effects.size();
      },
      known);

  // Keyword and crisis screening alone (no session): what every reply costs before the dialog.
  double screening = per_second(seconds, [&](const std::string& r) {
    auto out = on_reply(*lib, std::nullopt, who, settings, r, now);
    sink = sink + out.effects.size();
  });

  // A session in the middle of the dialog, with a score, a flag and a result.
  auto mid = on_reply(*lib, at_q1, who, settings, "huonosti", now);
  std::size_t bytes = mid.state ? mid.state->to_text().size() : 0;

  std::printf("replies in the mix:            %zu (en fi sv et lv lt)\n", replies.size());
  std::printf("baseline utf8proc casefold:    %12.0f replies/s\n", baseline);
  std::printf("on_reply (weekly_checkin q1):  %12.0f steps/s\n", steps);
  std::printf("ratio steps / baseline:        %12.3f\n", steps / baseline);
  std::printf("on_reply, en+fi replies only:  %12.0f steps/s\n", known_steps);
  std::printf("screening only (no session):   %12.0f replies/s\n", screening);
  std::printf("target 1,000,000 steps/s:      %s\n", steps >= 1e6 ? "met" : "NOT met");
  std::printf("session JSON size (at q2):     %12zu bytes\n", bytes);
  return 0;
}
