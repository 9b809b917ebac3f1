// What the mail worker does with the mailer's answer, on explicit times (no clock, no server):
// an outage backs off, a refusal waits an hour and is reported first and daily, and the first
// mail through after an outage makes the waiting ones due.
#include "tuki/app/mail_decision.hpp"

#include <catch2/catch.hpp>

#include "tuki/app/outbox_decision.hpp"

using namespace tuki;
using app::mail_verdict;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {

const core::instant t0 = core::from_unix_ms(1'795'000'000'000);

adapters::mail_result answered(core::status s, int code = 0) {
  adapters::mail_result r;
  r.status = std::move(s);
  r.smtp_code = code;
  return r;
}

}  // namespace

TEST_CASE("a mail the server refuses is offered again hourly, crisis or not, and never dropped",
          "[mail]") {
  auto refused = answered(core::status::invalid_argument("mail refused: RCPT failed: 550"), 550);
  for (bool crisis : {false, true})
    for (int attempt : {1, 2, 30, 500}) {
      CAPTURE(crisis, attempt);
      auto d = app::decide_mail_outcome(refused, attempt, crisis, t0);
      CHECK(d.verdict == mail_verdict::refused);
      REQUIRE(d.retry_at);
      CHECK(*d.retry_at == t0 + hours(1));
      CHECK_FALSE(d.release_rest);  // the server takes other mail: the batch goes on
    }
}

TEST_CASE("an outage, a refused login or tuki refused back off and put the rest of the batch back",
          "[mail]") {
  auto down = answered(core::status::unavailable("mail server: connection refused"));
  auto login = answered(core::status::unauthenticated("mail server refused the login"), 535);
  auto blocked = answered(core::status::permission_denied("mail server refused tuki's mail"), 554);
  for (const auto& [r, verdict] :
       {std::pair{down, mail_verdict::deferred}, std::pair{login, mail_verdict::login_refused},
        std::pair{blocked, mail_verdict::server_refused}}) {
    auto d = app::decide_mail_outcome(r, 3, false, t0);
    CHECK(d.verdict == verdict);
    REQUIRE(d.retry_at);
    CHECK(*d.retry_at == t0 + app::backoff_delay(app::mail_retry_policy, 3, 0.5));
    CHECK(d.release_rest);
    auto crisis = app::decide_mail_outcome(r, 40, true, t0);
    CHECK(*crisis.retry_at == t0 + seconds(30));
    CHECK(*app::decide_mail_outcome(r, 40, false, t0).retry_at == t0 + minutes(5));
  }
  auto sent = app::decide_mail_outcome(answered(core::status::ok()), 1, false, t0);
  CHECK(sent.verdict == mail_verdict::sent);
  CHECK_FALSE(sent.retry_at);
}

TEST_CASE("a refusal is reported the first time and then daily while it lasts", "[mail]") {
  app::mail_alerts alerts;
  CHECK(alerts.due(7, t0));
  CHECK_FALSE(alerts.due(7, t0 + hours(1)));  // the hourly retries are quiet
  CHECK_FALSE(alerts.due(7, t0 + hours(23)));
  CHECK(alerts.due(8, t0 + hours(23)));  // another job is a refusal of its own
  CHECK(alerts.due(7, t0 + hours(24)));
  CHECK_FALSE(alerts.due(7, t0 + hours(25)));
  CHECK(alerts.due(app::mail_alerts::login_key, t0 + hours(25)));
  // Sent at last: a new refusal of the same job is news again.
  alerts.forget(7);
  CHECK(alerts.due(7, t0 + hours(26)));
}

TEST_CASE("the first mail through after an outage or start resumes the waiting mail", "[mail]") {
  app::mail_recovery r;
  CHECK(r.note(mail_verdict::sent));  // backoffs may be left from before the start
  CHECK_FALSE(r.note(mail_verdict::sent));
  CHECK_FALSE(r.note(mail_verdict::refused));  // one message refused: the server is fine
  CHECK_FALSE(r.note(mail_verdict::sent));
  CHECK_FALSE(r.note(mail_verdict::deferred));
  CHECK_FALSE(r.note(mail_verdict::deferred));
  CHECK_FALSE(r.note(mail_verdict::refused));  // a refusal says the server is up, not ...
  CHECK(r.note(mail_verdict::sent));           // ... that the waiting mail would pass
  CHECK_FALSE(r.note(mail_verdict::login_refused));
  CHECK(r.note(mail_verdict::sent));  // the login fixed
  CHECK_FALSE(r.note(mail_verdict::server_refused));
  CHECK(r.note(mail_verdict::sent));  // unblocked
}
