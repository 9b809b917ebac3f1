#pragma once
// What the outbox pump stores for one window of gateway answers, in one store job (store
// thread): apart from the pump so that a scenario of many windows runs on a real store and
// explicit times (tests/app/outbox_window_test.cpp).
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "tuki/adapters/store/sqlite_store.hpp"
#include "tuki/app/outbox_decision.hpp"
#include "tuki/core/instant.hpp"

namespace tuki::app {

/// Stores the window's `decisions` (message id, decision) decided at `now`: acceptances with
/// mark_sent, the others with set_send_outcome (both only while the message is `sending`, so a
/// delivery report that overtook the answer is kept), a delivery failure or an opt-out against
/// `students[i]` (0: a number without a student, nothing to count), then resumes each of the
/// `recovered` gateways (gateway_recovery::recovered()) except the retries this window stores,
/// which keep their backoff. An error leaves the job to roll back.
core::status store_outbox_window(
    adapters::sqlite_store& s,
    const std::vector<std::pair<std::int64_t, outbox_decision>>& decisions,
    const std::vector<std::int64_t>& students, const std::vector<std::string>& recovered,
    core::instant now);

}  // namespace tuki::app
