#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <set>

#include "routing_test_support.hpp"
#include "tuki/core/crypto/hmac.hpp"
#include "tuki/core/routing/staff_webhook.hpp"

using namespace tuki;
using namespace tuki::routing;
using nlohmann::json;
using tuki::routing::testing::utc;

namespace {

staff_notice notice(bool opt_in) {
  staff_notice n;
  n.ticket_id = "T-7";
  n.ticket_url = "https://tuki.varia.fi/tickets/T-7";
  n.student_name = "Sini <Ä>";
  n.student_id = "s-1";
  n.category = "crisis";
  n.urgency = core::urgency::urgent;
  n.actions = {{ticket_action::acknowledge, "", "https://tuki.varia.fi/t/T-7/acknowledge?x"}};
  n.reply_text = "secret words";
  n.include_reply_text = opt_in;
  return n;
}

}  // namespace

TEST_CASE("webhook: generic, Teams and Slack bodies keep the privacy default", "[routing]") {
  for (auto f : {webhook_format::generic, webhook_format::teams, webhook_format::slack}) {
    CAPTURE(static_cast<int>(f));
    const std::string closed = webhook_body(f, notice(false), "fi");
    CHECK(closed.find("secret words") == std::string::npos);
    CHECK_NOTHROW(json::parse(closed));
    const std::string open = webhook_body(f, notice(true), "fi");
    CHECK(open.find("secret words") != std::string::npos);
    CHECK(open.find("https://tuki.varia.fi/t/T-7/acknowledge?x") != std::string::npos);
  }
  const json g = json::parse(webhook_body(webhook_format::generic, notice(false), "en"));
  CHECK(g["ticket_id"] == "T-7");
  CHECK(g["urgency"] == "urgent");
  CHECK(g["student"]["name"] == "Sini <Ä>");
  CHECK(g["actions"][0]["action"] == "acknowledge");
  CHECK(g["actions"][0]["label"] == "Acknowledge");
  CHECK_FALSE(g.contains("reply_text"));

  const json t = json::parse(webhook_body(webhook_format::teams, notice(false), "fi"));
  CHECK(t["type"] == "message");
  const json& card = t["attachments"][0];
  CHECK(card["contentType"] == "application/vnd.microsoft.card.adaptive");
  CHECK(card["content"]["type"] == "AdaptiveCard");
  CHECK(card["content"]["body"][0]["text"] == "KIIREELLINEN: Tukipyyntö (kriisi) – tiketti T-7");
  CHECK(card["content"]["actions"][1]["type"] == "Action.OpenUrl");
  CHECK(card["content"]["actions"][1]["title"] == "Kuittaa");

  const json s = json::parse(webhook_body(webhook_format::slack, notice(false), "sv"));
  CHECK_THAT(s["text"].get<std::string>(), Catch::StartsWith("BRÅDSKANDE: Stödbegäran (kris)"));
  CHECK(s["blocks"][0]["type"] == "header");
  CHECK_THAT(s["blocks"][1]["text"]["text"].get<std::string>(), Catch::Contains("Sini &lt;Ä&gt;"));
  CHECK(s["blocks"][2]["elements"][1]["url"] == "https://tuki.varia.fi/t/T-7/acknowledge?x");
}

TEST_CASE("webhook: the notice's kind and the ticket it follows up", "[routing]") {
  staff_notice n = notice(false);
  CHECK(json::parse(webhook_body(webhook_format::generic, n, "en"))["type"] == "new_ticket");
  CHECK_FALSE(json::parse(webhook_body(webhook_format::generic, n, "en")).contains("follows_up"));
  n.kind = tuki::routing::notice_kind::still_open;
  n.follows_up = "12";
  const json g = json::parse(webhook_body(webhook_format::generic, n, "sv"));
  CHECK(g["type"] == "still_open");
  CHECK(g["follows_up"] == "12");
  CHECK(g["summary"] == "BRÅDSKANDE: Är stödbegäran T-7 fortfarande öppen?");
  // Chat formats show it among the facts, in the channel's language.
  CHECK_THAT(webhook_body(webhook_format::slack, n, "en"),
             Catch::Contains("Follows up ticket: 12"));
}

TEST_CASE("webhook: signature headers verify; any change is refused", "[routing]") {
  const std::string secret = "whsec-123";
  const std::string body = webhook_body(webhook_format::generic, notice(false), "en");
  const auto now = utc("2025-03-04T08:00:00Z");
  const auto headers = webhook_headers(secret, body, now);
  REQUIRE(headers.size() == 3);
  CHECK(headers[1].name == "X-Tuki-Timestamp");
  CHECK(headers[1].value == "1741075200");
  CHECK(headers[2].name == "X-Tuki-Signature");
  // Independently computed: HMAC-SHA256 over "<timestamp>.<body>".
  CHECK(headers[2].value ==
        "sha256=" + core::hex_encode(core::hmac_sha256(secret, "1741075200." + body)));

  const auto& ts = headers[1].value;
  const auto& sig = headers[2].value;
  CHECK(verify_webhook(secret, ts, sig, body, now).is_ok());
  CHECK(verify_webhook(secret, ts, sig, body, now + std::chrono::minutes(5)).is_ok());
  CHECK_FALSE(verify_webhook(secret, ts, sig, body, now + std::chrono::minutes(6)).is_ok());
  CHECK_FALSE(verify_webhook(secret, ts, sig, body + " ", now).is_ok());
  CHECK_FALSE(verify_webhook("other", ts, sig, body, now).is_ok());
  CHECK_FALSE(verify_webhook(secret, "1741075201", sig, body, now).is_ok());
  CHECK_FALSE(verify_webhook(secret, "", sig, body, now).is_ok());
  CHECK_FALSE(verify_webhook(secret, "17x", sig, body, now).is_ok());
  std::string upper = sig;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CHECK_FALSE(verify_webhook(secret, ts, upper, body, now).is_ok());
}

TEST_CASE("retry_delay: exponential, capped, jittered and reproducible", "[routing]") {
  using std::chrono::seconds;
  for (std::uint64_t seed : {0ULL, 1ULL, 42ULL, 0xFFFFFFFFFFFFFFFFULL}) {
    CAPTURE(seed);
    for (int attempt = 1; attempt <= 20; ++attempt) {
      CAPTURE(attempt);
      const auto d = retry_delay(attempt, seed);
      const auto full = std::min<core::duration>(seconds(30) * (1LL << std::min(attempt - 1, 20)),
                                                 std::chrono::hours(1));
      CHECK(d >= full / 2);
      CHECK(d <= full);
      CHECK(d == retry_delay(attempt, seed));
    }
  }
  std::set<core::duration::rep> distinct;
  for (std::uint64_t seed = 0; seed < 50; ++seed) distinct.insert(retry_delay(3, seed).count());
  CHECK(distinct.size() > 40);  // seeds spread the retries out
}

TEST_CASE("after_failed_webhook: failures are retried without end, refusals every hour",
          "[routing]") {
  using std::chrono::hours;
  const std::uint64_t seed = 42;
  // No answer (connection refused, timeout), a timeout or rate limit answer, a server error
  // and a redirect (a proxy in the way) may all pass with time.
  for (std::optional<int> status :
       {std::optional<int>(), std::optional<int>(408), std::optional<int>(429),
        std::optional<int>(500), std::optional<int>(503), std::optional<int>(302)}) {
    CAPTURE(status.value_or(0));
    for (int attempt = 1; attempt <= 200; ++attempt) {
      CAPTURE(attempt);
      const auto r = after_failed_webhook(status, attempt, seed);
      CHECK_FALSE(r.refused);
      if (attempt < webhook_alert_attempt)
        CHECK(r.delay == retry_delay(attempt, seed));
      else
        CHECK(r.delay == hours(1));  // the cap: one attempt an hour for as long as it takes
      // Told at attempt 12 (2.5-5 h of failures), then once a day, not on every attempt.
      const bool told = attempt == 12 || attempt == 36 || attempt == 60 || attempt == 84 ||
                        attempt == 108 || attempt == 132 || attempt == 156 || attempt == 180;
      CHECK(r.long_outage == told);
    }
  }
  // A refusal waits for an operator: offered again every hour, crisis notices too (a crisis
  // must never vanish); told at the first refused attempt and daily.
  for (int status : {400, 401, 403, 404, 410, 413, 422}) {
    CAPTURE(status);
    for (bool crisis : {false, true})
      for (int attempt = 1; attempt <= 60; ++attempt) {
        CAPTURE(attempt);
        const auto r = after_failed_webhook(status, attempt, seed, std::nullopt, crisis);
        CHECK(r.refused);
        CHECK(r.delay == hours(1));
        const bool told = attempt == 1 || attempt == 12 || attempt == 24 || attempt == 48;
        CHECK(r.long_outage == told);
      }
  }
}

TEST_CASE("after_failed_webhook: a 429 or 503 waits as long as its Retry-After asks, up to an hour",
          "[routing][webhook]") {
  using std::chrono::hours;
  using std::chrono::minutes;
  using std::chrono::seconds;
  const std::uint64_t seed = 7;
  for (int status : {429, 503}) {
    CAPTURE(status);
    // Longer than the backoff: as asked.
    CHECK(after_failed_webhook(status, 1, seed, minutes(20)).delay == minutes(20));
    // Shorter than the backoff: the backoff (a receiver saying "now" must not be hammered).
    CHECK(after_failed_webhook(status, 3, seed, seconds(0)).delay == retry_delay(3, seed));
    CHECK(after_failed_webhook(status, 3, seed, seconds(1)).delay == retry_delay(3, seed));
    // Longer than an hour: an hour, so a notice is never put off for a day by one header.
    CHECK(after_failed_webhook(status, 1, seed, hours(30)).delay == hours(1));
    CHECK(after_failed_webhook(status, 20, seed, hours(30)).delay == hours(1));
    // It does not stop the operator from hearing of a long outage.
    CHECK(after_failed_webhook(status, webhook_alert_attempt, seed, minutes(20)).long_outage);
    CHECK_FALSE(after_failed_webhook(status, 1, seed, minutes(20)).refused);
  }
  // A crisis notice waits at most five minutes: not an hour for a throttled channel, nor the
  // hourly cap of a long outage.
  CHECK(after_failed_webhook(429, 1, seed, minutes(30), true).delay == minutes(5));
  CHECK(after_failed_webhook(503, 1, seed, seconds(90), true).delay == seconds(90));
  CHECK(after_failed_webhook(std::nullopt, 30, seed, std::nullopt, true).delay == minutes(5));
  CHECK(after_failed_webhook(std::nullopt, 30, seed, std::nullopt, false).delay == hours(1));
  CHECK(after_failed_webhook(404, 1, seed, std::nullopt, true).refused);
  // Any other answer keeps its backoff, whatever it says.
  for (std::optional<int> status : {std::optional<int>(), std::optional<int>(500),
                                    std::optional<int>(502), std::optional<int>(408)}) {
    CAPTURE(status.value_or(0));
    CHECK(after_failed_webhook(status, 1, seed, minutes(20)).delay == retry_delay(1, seed));
  }
  CHECK(after_failed_webhook(404, 1, seed, minutes(20)).delay == hours(1));
}
