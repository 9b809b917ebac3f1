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

app::outbox_decision refused() {  // a permanent refusal of the recipient (invalid number)
  auto d = decided("failed");
  d.delivery_failure = true;
  return d;
}

using names = std::vector<std::string>;

}  // namespace

TEST_CASE(
    "a gateway is back after a window of acceptances following start or a retryable "
    "failure",
    "[outbox]") {
  app::gateway_recovery r;
  // Backoffs may be left from before a restart: the first window of acceptances resumes them.
  r.note("kannel", decided("sent"));
  r.note("kannel", decided("sent"));
  CHECK(r.recovered() == names{"kannel"});
  CHECK(r.recovered() == names{"kannel"});  // asking changes nothing
  r.commit();
  r.note("kannel", decided("sent"));
  CHECK(r.recovered().empty());  // already healthy
  r.commit();
  // A permanent refusal says nothing about the gateway.
  r.note("kannel", refused());
  r.note("kannel", decided("sent"));
  CHECK(r.recovered().empty());
  r.commit();
  // An outage, then a window of acceptances.
  r.note("kannel", decided("queued"));
  CHECK(r.recovered().empty());
  r.commit();
  r.note("kannel", decided("sent"));
  CHECK(r.recovered() == names{"kannel"});
  r.commit();
  r.note("kannel", decided("sent"));
  CHECK(r.recovered().empty());
  r.commit();
}

TEST_CASE(
    "a window with acceptances and retryable answers is no recovery: the retries keep "
    "their backoff",
    "[outbox]") {
  app::gateway_recovery r;
  r.note("kannel", decided("queued"));
  r.commit();
  // A throttling gateway: one in four accepted, the rest 429, window after window.
  for (int window = 0; window < 5; ++window) {
    for (int i = 0; i < 8; ++i) r.note("kannel", decided(i % 4 == 0 ? "sent" : "queued"));
    INFO("window " << window);
    CHECK(r.recovered().empty());
    r.commit();
  }
  // Giving up after max_attempts is a retryable failure too, not an acceptance.
  r.note("kannel", decided("sent"));
  r.note("kannel", decided("failed"));  // "gave up after 3 attempts"
  CHECK(r.recovered().empty());
  r.commit();
  // The accept that precedes the 429s in the same window does not count either.
  r.note("kannel", decided("sent"));
  r.note("kannel", decided("queued"));
  CHECK(r.recovered().empty());
  r.commit();
  r.note("kannel", decided("sent"));
  CHECK(r.recovered() == names{"kannel"});
}

TEST_CASE("gateway recovery counts a window only once it is committed, and keeps gateways apart",
          "[outbox]") {
  app::gateway_recovery r;
  r.note("kannel", decided("queued"));
  r.note("twilio", decided("sent"));
  CHECK(r.recovered() == names{"twilio"});
  r.commit();
  // A window of acceptances whose store has not been committed yet leaves the gateway in trouble:
  // the same window (kept and stored again after a failed store) still shows it back.
  r.note("kannel", decided("sent"));
  CHECK(r.recovered() == names{"kannel"});
  r.commit();
  r.note("kannel", decided("sent"));
  r.note("twilio", decided("queued"));
  CHECK(r.recovered().empty());
  r.commit();
  r.note("twilio", decided("sent"));
  r.note("kannel", decided("sent"));
  CHECK(r.recovered() == names{"twilio"});
}
