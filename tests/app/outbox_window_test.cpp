// store_outbox_window with gateway_recovery and decide_send_outcome, window after window on a
// real store and explicit times: what the outbox pump does with a throttling gateway.
#include "tuki/app/outbox_window.hpp"

#include <map>

#include <catch2/catch.hpp>

#include "support/temp_db.hpp"
#include "tuki/app/gateway_recovery.hpp"

using namespace tuki;
using std::chrono::milliseconds;
using std::chrono::seconds;

TEST_CASE(
    "a gateway that accepts one in four and throttles the rest: every retry waits for its "
    "backoff, and max_attempts gives up only after it",
    "[outbox]") {
  testing::temp_db db("tuki-outbox-window");
  auto opened = adapters::sqlite_store::open(db.str());
  REQUIRE(opened);
  auto& s = **opened;
  const core::instant t0 = core::from_unix_ms(1'795'000'000'000);
  app::retry_policy policy;
  policy.max_attempts = 3;
  app::gateway_recovery recovery;
  std::map<std::int64_t, core::instant> due;  // the earliest each message may be claimed
  for (int i = 0; i < 8; ++i) {
    auto id = s.enqueue_sms_to_phone("+3584000010" + std::to_string(i), "kannel", "bulk", 2,
                                     "question", t0, t0);
    REQUIRE(id);
    due[*id] = t0;
  }
  int answers = 0, sent = 0, gave_up = 0;
  std::optional<core::instant> first_third_attempt;
  for (auto now = t0; now < t0 + seconds(60); now += milliseconds(100)) {
    auto claimed = s.claim_sms(32, now);
    REQUIRE(claimed);
    if (claimed->empty()) continue;
    std::vector<std::pair<std::int64_t, app::outbox_decision>> decisions;
    for (const auto& sms : *claimed) {
      INFO("message " << sms.id << " attempt " << sms.attempts);
      CHECK(now >= due[sms.id]);  // never before its backoff ends
      if (sms.attempts == 3 && !first_third_attempt) first_third_attempt = now;
      const bool accept = answers++ % 4 == 0;
      adapters::send_result answer{
          accept ? adapters::send_outcome::accepted : adapters::send_outcome::retryable, "",
          accept ? "0: Accepted for delivery" : "429"};
      decisions.emplace_back(sms.id,
                             app::decide_send_outcome(answer, sms.attempts, policy, now, 0.5));
      recovery.note("kannel", decisions.back().second);
    }
    // Every window mixes acceptances and 429s: the gateway is never "back", nothing is resumed.
    CHECK(recovery.recovered().empty());
    REQUIRE(app::store_outbox_window(s, decisions, std::vector<std::int64_t>(decisions.size(), 0),
                                     recovery.recovered(), now)
                .is_ok());
    recovery.commit();
    for (const auto& [id, d] : decisions) {
      if (d.status == "queued") due[id] = *d.retry_at;
      if (d.status == "sent") ++sent;
      if (d.status == "failed") ++gave_up;
    }
  }
  // Attempts at t0, t0 + 2 s and t0 + 6 s (backoff 2 s, then 4 s): 8, 6 and 4 messages.
  REQUIRE(first_third_attempt);
  CHECK(*first_third_attempt >= t0 + seconds(6));
  CHECK(sent == 5);
  CHECK(gave_up == 3);
  CHECK(s.claim_sms(32, t0 + seconds(3600))->empty());
}
