#pragma once
// One round of the timer pump (timer_pump.cpp): fires the dialog timers that are due, each in a
// savepoint of its own, so that one whose step fails is undone alone, logged and stored again
// for later (backing off), and every other student's timers still fire.
// Thread-safety: none; the store thread only (the back-off state included).
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <tuple>

#include "tuki/adapters/store/sqlite_store.hpp"
#include "tuki/core/instant.hpp"
#include "tuki/core/status.hpp"

namespace tuki::app {

/// How often each failing timer (student, kind, token) has failed in a row: its next try waits
/// timer_retry_after(failures).
struct timer_backoff {
  std::map<std::tuple<std::int64_t, std::string, std::int64_t>, int> failures;
};

/// 1 minute after the first failure, doubling to at most 1 hour.
core::duration timer_retry_after(int failures);

using fire_timer_fn = std::function<core::status(adapters::sqlite_store&, const adapters::due_timer&)>;

/// Fires up to `limit` due timers; returns how many fired. Fails only when the store cannot
/// isolate a timer (a savepoint or the re-stored timer failed): then the whole round is undone.
core::result<int> fire_due_timers(adapters::sqlite_store& store, core::instant now, int limit,
                                  timer_backoff& backoff, const fire_timer_fn& fire);

}  // namespace tuki::app
