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

/// A recipient the gateway's answer says blocked us (apply_gateway_opt_out).
struct window_opt_out {
  std::int64_t student_id = 0;
  std::string gateway, detail;
};

/// Stores the window's `decisions` (message id, decision) decided at `now`: acceptances with
/// mark_sent, the others with set_send_outcome (both only while the message is `sending`, so a
/// delivery report that overtook the answer is kept), a delivery failure against `students[i]`
/// (0: a number without a student, nothing to count), the `opt_outs` (gateway_opt_out.hpp),
/// then resumes each of the
/// `recovered` gateways (gateway_recovery::recovered()) except the retries this window stores,
/// which keep their backoff. An error leaves the job to roll back.
core::status store_outbox_window(
    adapters::sqlite_store& s,
    const std::vector<std::pair<std::int64_t, outbox_decision>>& decisions,
    const std::vector<std::int64_t>& students, const std::vector<std::string>& recovered,
    core::instant now, const std::vector<window_opt_out>& opt_outs = {});

}  // namespace tuki::app
