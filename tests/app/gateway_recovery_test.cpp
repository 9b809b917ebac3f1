// gateway_recovery: when a gateway counts as back after an outage (the pump then makes its
// waiting retries due at once, so they go out in priority order).
#include "tuki/app/gateway_recovery.hpp"

#include <catch2/catch.hpp>

using namespace tuki;

namespace {

app::outbox_decision decided(const char* status) {
  app::outbox_decision d;
  d.status = status;
  return d;
}

}  // namespace

TEST_CASE("a gateway is back at its first accepted message after start or after a retryable "
          "failure",
          "[outbox]") {
  app::gateway_recovery r;
  // Backoffs may be left from before a restart: the first acceptance resumes them.
  CHECK(r.note("kannel", decided("sent")));
  CHECK_FALSE(r.note("kannel", decided("sent")));
  // A permanent refusal says nothing about the gateway.
  CHECK_FALSE(r.note("kannel", decided("failed")));
  CHECK_FALSE(r.note("kannel", decided("sent")));
  // An outage, then the first acceptance.
  CHECK_FALSE(r.note("kannel", decided("queued")));
  CHECK_FALSE(r.note("kannel", decided("queued")));
  CHECK(r.note("kannel", decided("sent")));
  CHECK_FALSE(r.note("kannel", decided("sent")));
  // Gateways are apart.
  CHECK(r.note("twilio", decided("sent")));
  CHECK_FALSE(r.note("twilio", decided("queued")));
  CHECK_FALSE(r.note("kannel", decided("sent")));
  CHECK(r.note("twilio", decided("sent")));
}
