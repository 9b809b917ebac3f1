#include "tuki/app/timer_round.hpp"

#include <algorithm>
#include <exception>

#include "tuki/adapters/store/savepoint.hpp"
#include "tuki/app/log.hpp"

namespace tuki::app {

core::duration timer_retry_after(int failures) {
  const int doublings = std::clamp(failures - 1, 0, 6);  // 1, 2, 4, ... 64 min: capped at 60
  return std::min<core::duration>(std::chrono::minutes(1) * (1 << doublings), std::chrono::hours(1));
}

core::result<int> fire_due_timers(adapters::sqlite_store& store, core::instant now, int limit,
                                  timer_backoff& backoff, const fire_timer_fn& fire) {
  int fired = 0;
  for (const auto& t : store.take_due_timers(now, limit)) {
    const auto key = std::make_tuple(t.student_id, t.kind, t.token);
    adapters::savepoint one(store.db(), "timer_step");
    if (!one.begun()) return one.begun();
    core::status step;
    try {
      step = fire(store, t);
    } catch (const std::exception& e) {
      step = core::status::internal(std::string("timer step failed: ") + e.what());
    }
    if (step) {
      if (auto s = one.release(); !s) return s;
      backoff.failures.erase(key);
      ++fired;
      continue;
    }
    // Undo this timer's step alone and store the timer again for later: due again next second
    // and taken first, it would fail every round, and only this student's timers wait.
    one.rollback();
    const int failures = ++backoff.failures[key];
    const auto retry = timer_retry_after(failures);
    log_error("timer_failed", {{"student_id", std::to_string(t.student_id)},
                               {"kind", t.kind},
                               {"error", step.message()},
                               {"failures", std::to_string(failures)},
                               {"retry_in_s", std::to_string(std::chrono::duration_cast<std::chrono::seconds>(retry).count())},
                               {"effect", "tried again later; the other timers go on"}});
    if (auto s = store.add_timer(t.student_id, t.kind, t.token, now + retry); !s) return s;
  }
  return fired;
}

}  // namespace tuki::app
