// Retries and backoff of the outbox on explicit times (no clock, no gateway).
#include "tuki/app/outbox_decision.hpp"

#include <deque>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tuki/core/effect.hpp"

using namespace tuki;
using adapters::send_outcome;

namespace {

const core::instant t0 = core::from_unix_ms(1'795'000'000'000);

adapters::send_result answer(send_outcome o, std::string detail = "d") {
  return {o, "", std::move(detail)};
}

}  // namespace

TEST_CASE("backoff doubles per attempt, is capped, and jitter stays within its band", "[outbox]") {
  app::retry_policy p;  // base 1 s, cap 10 min, jitter 25 %
  using std::chrono::milliseconds;
  CHECK(app::backoff_delay(p, 1, 0.5) == milliseconds(2'000));
  CHECK(app::backoff_delay(p, 2, 0.5) == milliseconds(4'000));
  CHECK(app::backoff_delay(p, 5, 0.5) == milliseconds(32'000));
  CHECK(app::backoff_delay(p, 9, 0.5) == milliseconds(512'000));
  CHECK(app::backoff_delay(p, 10, 0.5) == milliseconds(600'000));  // 1024 s capped at 600 s
  CHECK(app::backoff_delay(p, 30, 0.5) == milliseconds(600'000));
  CHECK(app::backoff_delay(p, 3, 0.0) == milliseconds(6'000));     // 8 s * 0.75
  CHECK(app::backoff_delay(p, 3, 0.999) >= milliseconds(9'990));   // just under 8 s * 1.25
  CHECK(app::backoff_delay(p, 3, 0.999) < milliseconds(10'000));
}

TEST_CASE("by default a retryable answer is never given up on: an outage delays, the message's "
          "validity ends it",
          "[outbox]") {
  app::retry_policy p;  // max_attempts 0
  core::instant now = t0;
  for (int attempt = 1; attempt <= 200; ++attempt) {
    auto d = app::decide_send_outcome(answer(send_outcome::retryable, "transport: connection refused"),
                                      attempt, p, now, 0.5);
    CAPTURE(attempt);
    REQUIRE(d.status == "queued");
    REQUIRE(d.retry_at);
    CHECK(*d.retry_at - now <= std::chrono::milliseconds(600'000));  // capped at 10 min
    now = *d.retry_at;
  }
  CHECK(now - t0 > std::chrono::hours(24));  // tried for longer than the default validity
}

TEST_CASE("a crisis message backs off at most 30 s, so it is tried again soon after an outage",
          "[outbox]") {
  app::retry_policy p;
  const auto crisis = static_cast<int>(core::sms_priority::crisis);
  const auto bulk = static_cast<int>(core::sms_priority::bulk);
  auto after = [&](int attempt, int priority) {
    auto d = app::decide_send_outcome(answer(send_outcome::retryable, "503"), attempt, p, t0, 0.5,
                                      priority);
    REQUIRE(d.status == "queued");
    return *d.retry_at - t0;
  };
  CHECK(after(2, crisis) == after(2, bulk));  // 4 s either way
  CHECK(after(20, crisis) == std::chrono::milliseconds(30'000));
  CHECK(after(20, bulk) == std::chrono::milliseconds(600'000));
  CHECK(after(20, static_cast<int>(core::sms_priority::reply)) == std::chrono::milliseconds(600'000));
}

TEST_CASE("a retryable answer is queued again at now + backoff until max_attempts", "[outbox]") {
  app::retry_policy p;
  p.max_attempts = 4;
  core::instant now = t0;
  std::vector<core::instant> retries;
  // The pump's loop on a fake clock: each attempt fails with 503; time jumps to the retry time.
  for (int attempt = 1;; ++attempt) {
    auto d = app::decide_send_outcome(answer(send_outcome::retryable, "503"), attempt, p, now, 0.5);
    CAPTURE(attempt);
    if (attempt < p.max_attempts) {
      REQUIRE(d.status == "queued");
      REQUIRE(d.retry_at);
      CHECK(*d.retry_at == now + app::backoff_delay(p, attempt, 0.5));
      CHECK_FALSE(d.delivery_failure);
      now = *d.retry_at;
      retries.push_back(now);
    } else {
      CHECK(d.status == "failed");
      CHECK_FALSE(d.retry_at);
      CHECK(d.detail == "gave up after 4 attempts: 503");
      CHECK_FALSE(d.delivery_failure);  // a gateway outage is not the student's fault
      break;
    }
  }
  using std::chrono::seconds;
  REQUIRE(retries.size() == 3);
  CHECK(retries[0] == t0 + seconds(2));
  CHECK(retries[1] == t0 + seconds(2 + 4));
  CHECK(retries[2] == t0 + seconds(2 + 4 + 8));
}

TEST_CASE("a refusal of tuki's account waits for the operator even past max_attempts", "[outbox]") {
  app::retry_policy p;
  p.max_attempts = 3;
  adapters::send_result refused{send_outcome::retryable, "", "401 unauthorized", true};
  for (int attempt : {1, 3, 4, 50}) {
    CAPTURE(attempt);
    auto d = app::decide_send_outcome(refused, attempt, p, t0, 0.5);
    CHECK(d.status == "queued");
    REQUIRE(d.retry_at);
    CHECK(*d.retry_at == t0 + app::backoff_delay(p, attempt, 0.5));
    CHECK_FALSE(d.delivery_failure);
  }
  // An outage's answer is still given up on at the limit.
  CHECK(app::decide_send_outcome(answer(send_outcome::retryable, "503"), 3, p, t0, 0.5).status ==
        "failed");
}

TEST_CASE(
    "while one gateway's rate limit holds a batch, the first ready message of another "
    "gateway goes, each gateway in its own order",
    "[outbox]") {
  struct msg {
    std::string gateway;
    int n;
  };
  std::deque<msg> batch{{"slow", 2}, {"slow", 3}, {"other", 4}, {"fast", 5}, {"fast", 6}};
  std::vector<std::string> asked;
  auto ready_fast = [&](const msg& m) {
    asked.push_back(m.gateway + std::to_string(m.n));
    return m.gateway == "fast";
  };
  auto it = app::first_ready_elsewhere(batch, "slow", ready_fast);
  REQUIRE(it != batch.end());
  CHECK(it->n == 5);
  // Neither the waiting gateway's messages nor a second message of a gateway not ready is asked.
  CHECK(asked == std::vector<std::string>{"other4", "fast5"});

  std::deque<msg> blocked{{"slow", 2}, {"other", 3}, {"other", 4}};
  asked.clear();
  CHECK(app::first_ready_elsewhere(blocked, "slow", ready_fast) == blocked.end());
  CHECK(asked == std::vector<std::string>{"other3"});  // "other4" must wait behind "other3"
  std::deque<msg> same{{"slow", 2}, {"slow", 3}};
  CHECK(app::first_ready_elsewhere(same, "slow", [](const msg&) { return true; }) == same.end());
}

TEST_CASE("bucket_ready says what take_or_wait would do, and takes nothing", "[outbox]") {
  const core::token_bucket::clock_point start{};
  core::token_bucket bucket(1, 2, start);
  CHECK(app::bucket_ready(bucket, 2, start));
  CHECK(app::bucket_ready(bucket, 2, start));  // nothing was taken
  CHECK(app::take_or_wait(bucket, 2, start) == std::chrono::nanoseconds::zero());
  CHECK_FALSE(app::bucket_ready(bucket, 1, start));
  CHECK(app::bucket_ready(bucket, 1, start + std::chrono::seconds(1)));
  CHECK_FALSE(app::bucket_ready(bucket, 5, start + std::chrono::seconds(1)));  // takes the burst
  CHECK(app::bucket_ready(bucket, 5, start + std::chrono::seconds(2)));
}

TEST_CASE("accepted, permanent and opted-out answers", "[outbox]") {
  app::retry_policy p;
  auto sent = app::decide_send_outcome(answer(send_outcome::accepted, "0: Accepted"), 1, p, t0, 0.1);
  CHECK(sent.status == "sent");
  CHECK_FALSE(sent.retry_at);
  auto bad = app::decide_send_outcome(answer(send_outcome::permanent, "400 bad number"), 1, p, t0, 0.1);
  CHECK(bad.status == "failed");
  CHECK(bad.delivery_failure);
  CHECK_FALSE(bad.opted_out);
  auto stop = app::decide_send_outcome(answer(send_outcome::opted_out, "21610"), 2, p, t0, 0.1);
  CHECK(stop.status == "failed");
  CHECK(stop.opted_out);
  CHECK_FALSE(stop.delivery_failure);
  CHECK(stop.detail == "opted out: 21610");
  // The gateway's message id goes into the `sent` history row, beside its answer if any.
  adapters::send_result twilio{send_outcome::accepted, "SM0123456789abcdef", ""};
  CHECK(app::decide_send_outcome(twilio, 1, p, t0, 0.1).detail == "gateway id SM0123456789abcdef");
  twilio.detail = "201";
  CHECK(app::decide_send_outcome(twilio, 1, p, t0, 0.1).detail ==
        "201; gateway id SM0123456789abcdef");
}

TEST_CASE("rate limiting: segments per second, exact waits, long messages", "[outbox]") {
  using namespace std::chrono;
  const core::token_bucket::clock_point start{};
  core::token_bucket bucket(10, 10, start);  // 10 segments per second, burst 10
  auto now = start;
  int immediate = 0;
  // The pump's loop on a fake steady clock: sleep exactly what take_or_wait says.
  for (int i = 0; i < 25; ++i) {
    for (;;) {
      auto wait = app::take_or_wait(bucket, 1, now);
      if (wait == nanoseconds::zero()) break;
      CHECK(wait <= milliseconds(101));
      now += wait;
    }
    if (now == start) ++immediate;
  }
  CHECK(immediate == 10);                    // the burst
  CHECK(now >= start + milliseconds(1500));  // 15 more at 10 per second
  CHECK(now < start + milliseconds(1510));

  // A 2-segment message costs two tokens; one longer than the burst takes the whole burst.
  core::token_bucket small(1, 2, start);
  CHECK(app::take_or_wait(small, 2, start) == nanoseconds::zero());
  auto wait = app::take_or_wait(small, 5, start);
  CHECK(wait > milliseconds(1999));
  CHECK(wait < milliseconds(2001));
  CHECK(app::take_or_wait(small, 5, start + wait) == nanoseconds::zero());
}

TEST_CASE("staff mail backs off to 5 min, a crisis mail to 30 s at most", "[outbox][mail]") {
  using std::chrono::milliseconds;
  const auto& p = app::mail_retry_policy;
  CHECK(app::backoff_delay(p, 1, 0.5) == milliseconds(10'000));
  CHECK(app::backoff_delay(p, 2, 0.5) == milliseconds(20'000));
  CHECK(app::backoff_delay(p, 5, 0.5) == milliseconds(160'000));
  CHECK(app::backoff_delay(p, 6, 0.5) == milliseconds(300'000));  // 320 s capped at 5 min
  CHECK(app::backoff_delay(p, 30, 0.5) == milliseconds(300'000));
  CHECK(app::backoff_delay(p, 1, 0.5, true) == milliseconds(10'000));
  CHECK(app::backoff_delay(p, 2, 0.5, true) == milliseconds(20'000));
  for (int attempt = 3; attempt <= 40; ++attempt) {
    CAPTURE(attempt);
    // However long the outage was, a crisis mail goes within 30 s of the server's return.
    CHECK(app::backoff_delay(p, attempt, 0.5, true) == milliseconds(30'000));
    CHECK(app::backoff_delay(p, attempt, 0.5) > milliseconds(30'000));
  }
}

TEST_CASE("a 429 or 503 with Retry-After backs the message off that long, up to the cap",
          "[outbox]") {
  app::retry_policy p;  // cap 10 min, crisis 30 s
  using std::chrono::seconds;
  auto asked = [](int status, std::string value) {
    core::http_response r{status, "application/json", "{}", {{"Retry-After", std::move(value)}}};
    return app::with_retry_after(answer(send_outcome::retryable), r);
  };
  auto wait = [&](const adapters::send_result& r, int priority = 2) {
    auto d = app::decide_send_outcome(r, 1, p, t0, 0.5, priority);
    REQUIRE(d.status == "queued");
    REQUIRE(d.retry_at);
    return *d.retry_at - t0;
  };
  CHECK(wait(answer(send_outcome::retryable)) == seconds(2));  // the plain backoff
  CHECK(wait(asked(429, "120")) == seconds(120));
  CHECK(wait(asked(503, "Thu, 19 Nov 2026 11:06:40 GMT")) == seconds(600));  // a day: capped
  CHECK(wait(asked(503, "300")) == seconds(300));
  CHECK(wait(asked(503, "Wed, 18 Nov 2026 11:08:40 GMT")) == seconds(120));
  CHECK(wait(asked(429, "3600")) == seconds(600));
  CHECK(wait(asked(429, "0")) == seconds(2));     // never sooner than the backoff
  CHECK(wait(asked(429, "soon")) == seconds(2));  // unreadable: as if absent
  // Only a throttle's or maintenance's: another answer's header is not a request to pause.
  CHECK(wait(asked(500, "120")) == seconds(2));
  // A crisis text waits at most crisis_cap.
  CHECK(wait(asked(429, "120"), static_cast<int>(core::sms_priority::crisis)) == seconds(30));
}
