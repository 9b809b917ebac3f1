#pragma once
// A student who blocked tuki at the gateway, as the gateway told it: a send answered opted out
// (Twilio 21610, GatewayAPI 0x0215) or a delivery report that says so (Twilio ErrorCode 21610,
// http_json `status_map: opted_out`). tuki then treats the student as if they had texted STOP.
#include <cstdint>
#include <string>

#include "tuki/adapters/store/sqlite_store.hpp"
#include "tuki/core/instant.hpp"
#include "tuki/core/status.hpp"

namespace tuki::app {

/// Marks the student opted out (a pause is cleared, as STOP does), ends their session so that
/// no timer of it texts them again, and audits `opt_out` by "gateway:<gateway>" on
/// "student:<id>" with `detail` (the gateway's code, no message text). Runs inside the caller's
/// store job, so it commits with the message status that carried it. Not a delivery failure:
/// the number works.
core::status apply_gateway_opt_out(adapters::sqlite_store& store, std::int64_t student_id,
                                   const std::string& gateway, const std::string& detail,
                                   core::instant now);

}  // namespace tuki::app
