// A reply whose answer fails: for a reason a retry would not change, the job is rolled back and
// conversation::keep_unanswered stores the message alone (the gateway is told it arrived); a
// storage error fails it for the gateway to retry. Real SQLite file, the shipped dialogs; the
// failures are injected with temporary triggers on the answer's SMS.
#include <catch2/catch.hpp>

#include "support/app_fixture.hpp"
#include "support/inbound_sms.hpp"
#include "support/students.hpp"

using namespace tuki;

namespace {

using testing::inbound_sms;

const core::instant t0 = core::from_unix_ms(1'795'503'600'000);  // a Tuesday, 09:00 in Helsinki

struct unanswered_fixture {
  testing::app_fixture f{"tuki-unanswered"};

  unanswered_fixture() { REQUIRE(f.store->upsert_students({testing::aino()}, t0)); }
  std::int64_t count(const std::string& sql) {
    auto& q = f.store->db().prepare(sql);
    std::int64_t n = q.step() ? q.column_int(0) : -1;
    q.reset();
    return n;
  }
  void exec(const std::string& sql) { REQUIRE(f.store->db().exec(sql)); }
};

// As the HTTP route runs it: handle_inbound in a job (a savepoint, as write_queue runs every
// job), rolled back when it fails, then keep_unanswered in a job of its own unless the failure
// was a storage error.
core::result<app::inbound_outcome> through_jobs(unanswered_fixture& x,
                                                const adapters::inbound_sms& m) {
  auto& db = x.f.store->db();
  REQUIRE(db.exec("SAVEPOINT job"));
  auto out = x.f.conv->handle_inbound(*x.f.store, "console", m, t0);
  if (!out) REQUIRE(db.exec("ROLLBACK TO job"));
  REQUIRE(db.exec("RELEASE job"));
  if (out || out.error().error_code() == core::status::code::io_error) return out;
  REQUIRE(db.exec("SAVEPOINT job"));
  auto kept = x.f.conv->keep_unanswered(*x.f.store, "console", m, out.error(), t0);
  if (!kept) REQUIRE(db.exec("ROLLBACK TO job"));
  REQUIRE(db.exec("RELEASE job"));
  return kept;
}

}  // namespace

TEST_CASE("a message whose answer fails for good is kept alone and reported",
          "[app][conversation]") {
  unanswered_fixture x;
  // Refuses every outbound SMS: the crisis answer cannot be queued, whatever is retried.
  x.exec(
      "CREATE TEMP TRIGGER refuse_out BEFORE INSERT ON messages WHEN NEW.direction = 'out' "
      "BEGIN SELECT RAISE(ABORT, 'outbound refused'); END");

  const std::string phone = testing::aino().phone;
  auto out = through_jobs(x, inbound_sms(phone, "haluan kuolla", "k1"));
  REQUIRE(out);
  CHECK(out->message_id > 0);
  CHECK(out->known_sender);
  CHECK(out->crisis);
  CHECK(out->replies == 0);
  CHECK(out->tickets == 0);
  CHECK_THAT(out->unanswered, Catch::Contains("outbound refused"));
  // The message is stored; nothing of its answer is (no session, ticket or timer half-written).
  CHECK(x.count("SELECT COUNT(*) FROM messages WHERE direction = 'in'") == 1);
  CHECK(x.count("SELECT COUNT(*) FROM messages WHERE direction = 'out'") == 0);
  CHECK(x.count("SELECT COUNT(*) FROM tickets") == 0);
  CHECK(x.count("SELECT COUNT(*) FROM sessions") == 0);
  CHECK(x.count("SELECT COUNT(*) FROM timers") == 0);
  CHECK(
      x.count("SELECT COUNT(*) FROM audit_events WHERE action = 'inbound_unanswered' AND subject = "
              "'message:" +
              std::to_string(out->message_id) + "'") == 1);

  SECTION("the gateway's retry of it is a duplicate, not a second failure") {
    auto again = through_jobs(x, inbound_sms(phone, "haluan kuolla", "k1"));
    REQUIRE(again);
    CHECK(again->duplicate);
    CHECK(again->unanswered.empty());
    CHECK(x.count("SELECT COUNT(*) FROM messages WHERE direction = 'in'") == 1);
  }
  SECTION("once the cause is gone, the next message is answered as usual") {
    x.exec("DROP TRIGGER refuse_out");
    auto next = through_jobs(x, inbound_sms(phone, "haluan kuolla", "k2"));
    REQUIRE(next);
    CHECK(next->unanswered.empty());
    CHECK(next->replies >= 1);
    CHECK(x.count("SELECT COUNT(*) FROM messages WHERE direction = 'out'") == next->replies);
  }
}

TEST_CASE("a message from an unknown number whose answer fails for good is kept too",
          "[app][conversation]") {
  unanswered_fixture x;
  x.exec(
      "CREATE TEMP TRIGGER refuse_out BEFORE INSERT ON messages WHEN NEW.direction = 'out' "
      "BEGIN SELECT RAISE(ABORT, 'outbound refused'); END");
  auto out = through_jobs(x, inbound_sms("+358409999999", "haluan kuolla", "u1"));
  REQUIRE(out);
  CHECK_FALSE(out->known_sender);
  CHECK(out->crisis);
  CHECK_THAT(out->unanswered, Catch::Contains("outbound refused"));
  CHECK(x.count("SELECT COUNT(*) FROM messages WHERE direction = 'in'") == 1);
  CHECK(x.count("SELECT COUNT(*) FROM messages WHERE direction = 'out'") == 0);
}

TEST_CASE("a storage error in the answer fails the whole message, for the gateway to retry",
          "[app][conversation]") {
  unanswered_fixture x;
  // A trigger that fails at run time as SQLite's own errors do (not a constraint): the answer's
  // INSERT fails as a storage error.
  x.exec(
      "CREATE TEMP TRIGGER broken_out BEFORE INSERT ON messages WHEN NEW.direction = 'out' "
      "BEGIN SELECT abs(-9223372036854775807 - 1); END");
  auto out = through_jobs(x, inbound_sms(testing::aino().phone, "haluan kuolla", "k1"));
  REQUIRE_FALSE(out);
  CHECK(out.error().error_code() == core::status::code::io_error);
  CHECK(x.count("SELECT COUNT(*) FROM messages") == 0);
  CHECK(x.count("SELECT COUNT(*) FROM audit_events WHERE action = 'inbound_unanswered'") == 0);
}
