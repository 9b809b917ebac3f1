// conversation::handle_inbound keeps a stored message when its answer fails: a failure a retry
// would not change rolls back the answer alone (the gateway is told the message arrived), a
// storage error fails the whole call (the gateway retries). Real SQLite file, the shipped
// dialogs; the failures are injected with temporary triggers on the answer's SMS.
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

}  // namespace

TEST_CASE("a stored message whose answer fails for good is kept and reported",
          "[app][conversation]") {
  unanswered_fixture x;
  // Refuses every outbound SMS: the crisis answer cannot be queued, whatever is retried.
  x.exec(
      "CREATE TEMP TRIGGER refuse_out BEFORE INSERT ON messages WHEN NEW.direction = 'out' "
      "BEGIN SELECT RAISE(ABORT, 'outbound refused'); END");

  const std::string phone = testing::aino().phone;
  auto out = x.f.conv->handle_inbound(*x.f.store, "console",
                                      inbound_sms(phone, "haluan kuolla", "k1"), t0);
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
  CHECK(
      x.count("SELECT COUNT(*) FROM audit_events WHERE action = 'inbound_unanswered' AND subject = "
              "'message:" +
              std::to_string(out->message_id) + "'") == 1);

  SECTION("the gateway's retry of it is a duplicate, not a second failure") {
    auto again = x.f.conv->handle_inbound(*x.f.store, "console",
                                          inbound_sms(phone, "haluan kuolla", "k1"), t0);
    REQUIRE(again);
    CHECK(again->duplicate);
    CHECK(again->unanswered.empty());
  }
  SECTION("once the cause is gone, the next message is answered as usual") {
    x.exec("DROP TRIGGER refuse_out");
    auto next = x.f.conv->handle_inbound(*x.f.store, "console",
                                         inbound_sms(phone, "haluan kuolla", "k2"), t0);
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
  auto out = x.f.conv->handle_inbound(*x.f.store, "console",
                                      inbound_sms("+358409999999", "haluan kuolla", "u1"), t0);
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
  auto& db = x.f.store->db();
  REQUIRE(db.exec("SAVEPOINT job"));  // as write_queue runs every job
  auto out = x.f.conv->handle_inbound(
      *x.f.store, "console", inbound_sms(testing::aino().phone, "haluan kuolla", "k1"), t0);
  REQUIRE_FALSE(out);
  CHECK(out.error().error_code() == core::status::code::io_error);
  REQUIRE(db.exec("ROLLBACK TO job"));
  REQUIRE(db.exec("RELEASE job"));
  CHECK(x.count("SELECT COUNT(*) FROM messages") == 0);
  CHECK(x.count("SELECT COUNT(*) FROM audit_events WHERE action = 'inbound_unanswered'") == 0);
}
