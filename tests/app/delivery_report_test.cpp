// conversation::apply_delivery_report: which messages a gateway's delivery report may change.
// Real SQLite file, the shipped dialogs; no network.
#include <catch2/catch.hpp>

#include "support/app_fixture.hpp"
#include "support/students.hpp"

using namespace tuki;

namespace {

const core::instant t0 = core::from_unix_ms(1'795'503'600'000);

adapters::delivery_report report(std::int64_t id, adapters::delivery_state state) {
  adapters::delivery_report r;
  r.message_id = id;
  r.state = state;
  r.detail = "test";
  return r;
}

}  // namespace

TEST_CASE("a delivery report changes only an outbound message its gateway was asked to send",
          "[app][delivery]") {
  testing::app_fixture f("tuki-dlr");
  const auto s = testing::aino();
  REQUIRE(f.store->upsert_students({s}, t0));
  const auto sid = f.store->find_student_by_phone(s.phone)->id;
  auto& store = *f.store;
  auto& conv = *f.conv;
  using adapters::delivery_state;
  auto queued = store.enqueue_sms(sid, "console", "crisis reply", 0, "reply", t0, t0);
  REQUIRE(queued);
  auto inbound = store.insert_inbound(sid, "console", "m1", "moi", t0);
  REQUIRE(inbound);

  SECTION("a queued message (not sent yet, or waiting for a retry) is not cancelled") {
    REQUIRE(conv.apply_delivery_report(store, "console", report(*queued, delivery_state::failed), t0));
    CHECK(store.message_status(*queued) == "queued");
    CHECK(store.claim_sms(10, t0)->size() == 1);  // still goes out
  }
  SECTION("an inbound message or another gateway's message is unknown to the report") {
    CHECK(conv.apply_delivery_report(store, "console", report(*inbound, delivery_state::delivered), t0)
              .error_code() == core::status::code::not_found);
    CHECK(store.message_status(*inbound) == "received");
    REQUIRE(store.claim_sms(10, t0)->size() == 1);
    CHECK(conv.apply_delivery_report(store, "kannel", report(*queued, delivery_state::failed), t0)
              .error_code() == core::status::code::not_found);
    CHECK(store.message_status(*queued) == "sending");
  }
  SECTION("a sent message moves on; a final state stays final") {
    REQUIRE(store.claim_sms(10, t0)->size() == 1);
    REQUIRE(store.set_message_status(*queued, "sent", "", t0));
    REQUIRE(conv.apply_delivery_report(store, "console", report(*queued, delivery_state::accepted), t0));
    CHECK(store.message_status(*queued) == "accepted");
    REQUIRE(conv.apply_delivery_report(store, "console", report(*queued, delivery_state::delivered), t0));
    CHECK(store.message_status(*queued) == "delivered");
    REQUIRE(conv.apply_delivery_report(store, "console", report(*queued, delivery_state::failed), t0));
    CHECK(store.message_status(*queued) == "delivered");
  }
  SECTION("a buffered message moves on to its final state, which a late transient report keeps") {
    REQUIRE(store.claim_sms(10, t0)->size() == 1);
    REQUIRE(store.set_message_status(*queued, "sent", "", t0));
    REQUIRE(conv.apply_delivery_report(store, "console", report(*queued, delivery_state::buffered),
                                       t0));
    CHECK(store.message_status(*queued) == "buffered");
    REQUIRE(conv.apply_delivery_report(store, "console", report(*queued, delivery_state::accepted),
                                       t0));
    CHECK(store.message_status(*queued) == "accepted");
    REQUIRE(conv.apply_delivery_report(store, "console", report(*queued, delivery_state::buffered),
                                       t0));
    CHECK(store.message_status(*queued) == "buffered");
    SECTION("delivered") {
      REQUIRE(conv.apply_delivery_report(store, "console",
                                         report(*queued, delivery_state::delivered), t0));
      CHECK(store.message_status(*queued) == "delivered");
      REQUIRE(conv.apply_delivery_report(store, "console",
                                         report(*queued, delivery_state::buffered), t0));
      CHECK(store.message_status(*queued) == "delivered");
    }
    SECTION("failed, counted against the student once") {
      REQUIRE(conv.apply_delivery_report(store, "console", report(*queued, delivery_state::failed),
                                         t0));
      CHECK(store.message_status(*queued) == "failed");
      auto& q = store.db().prepare("SELECT delivery_failures FROM students WHERE id = ?1");
      q.bind(1, sid);
      REQUIRE(q.step());
      CHECK(q.column_int(0) == 1);
      q.reset();
    }
  }
  SECTION("a message waiting for a retry that the gateway reports taken is not sent again") {
    // The first attempt's answer never came (a timeout): queued again for a retry.
    REQUIRE(store.claim_sms(10, t0)->size() == 1);
    REQUIRE(store.set_send_outcome(*queued, "queued", "timeout", t0, t0 + std::chrono::seconds(2)));
    REQUIRE(
        conv.apply_delivery_report(store, "console", report(*queued, delivery_state::failed), t0));
    CHECK(store.message_status(*queued) == "queued");  // a failure: the retry goes on
    REQUIRE(conv.apply_delivery_report(store, "console", report(*queued, delivery_state::delivered),
                                       t0));
    CHECK(store.message_status(*queued) == "delivered");
    CHECK(store.claim_sms(10, t0 + std::chrono::minutes(1))->empty());
  }
  SECTION(
      "a failure of the gateway's congestion is sent again, never counted against the student") {
    auto congested = report(*queued, delivery_state::failed);
    congested.gateway_congested = true;
    for (int attempt = 1; attempt <= 3; ++attempt) {
      CAPTURE(attempt);
      const auto at = t0 + std::chrono::minutes(10 * attempt);
      REQUIRE(store.claim_sms(10, at)->size() == 1);
      REQUIRE(store.set_message_status(*queued, "sent", "", at));
      REQUIRE(conv.apply_delivery_report(store, "console", congested, at));
      if (attempt < 3) {
        CHECK(store.message_status(*queued) == "queued");
        CHECK(store.claim_sms(10, at + std::chrono::minutes(4))->empty());  // not before 5 min
      }
    }
    CHECK(store.message_status(*queued) == "failed");  // the third time: given up
    auto& q = store.db().prepare("SELECT delivery_failures FROM students WHERE id = ?1");
    q.bind(1, sid);
    REQUIRE(q.step());
    CHECK(q.column_int(0) == 0);
    q.reset();
  }
  SECTION("a report that overtakes the gateway's answer applies to the sending message") {
    REQUIRE(store.claim_sms(10, t0)->size() == 1);
    REQUIRE(conv.apply_delivery_report(store, "console", report(*queued, delivery_state::failed), t0));
    CHECK(store.message_status(*queued) == "failed");
  }
}

TEST_CASE("a delivery report that says the student opted out opts them out as a STOP does",
          "[app][delivery]") {
  testing::app_fixture f("tuki-dlr-optout");
  const auto s = testing::aino();
  REQUIRE(f.store->upsert_students({s}, t0));
  const auto sid = f.store->find_student_by_phone(s.phone)->id;
  auto& store = *f.store;
  auto count = [&](const std::string& sql) {
    auto& q = store.db().prepare(sql);
    std::int64_t n = q.step() ? q.column_int(0) : -1;
    q.reset();
    return n;
  };
  REQUIRE(f.conv->start_checkin(store, sid, "weekly_checkin", t0).value());
  auto sent = store.claim_sms(10, t0);
  REQUIRE(sent->size() == 1);
  const auto id = sent->front().id;
  REQUIRE(store.set_message_status(id, "sent", "", t0));
  REQUIRE(count("SELECT COUNT(*) FROM timers") > 0);

  auto r = report(id, adapters::delivery_state::failed);
  r.detail = "twilio undelivered error 21610";
  SECTION("opted out") {
    r.opted_out = true;
    REQUIRE(f.conv->apply_delivery_report(store, "console", r, t0));
    CHECK(store.message_status(id) == "failed");
    CHECK(store.get_student(sid)->opted_out);
    CHECK(store.number_opted_out(s.phone));  // kept for the number, as a STOP is
    CHECK(count("SELECT COUNT(*) FROM sessions") == 0);
    CHECK(count("SELECT COUNT(*) FROM audit_events WHERE actor = 'gateway:console' AND "
                "action = 'opt_out' AND subject = 'student:" +
                std::to_string(sid) + "' AND detail = 'twilio undelivered error 21610'") == 1);
    CHECK(store.delivery_failures(sid) == 0);  // the number works; the student said no
    // Nothing texts the student any more: no reminder of the ended check-in, no new check-in.
    const auto later = t0 + std::chrono::hours(24 * 30);
    for (const auto& t : store.take_due_timers(later, 100))
      REQUIRE(f.conv->fire_timer(store, t, later).is_ok());
    CHECK_FALSE(f.conv->start_checkin(store, sid, "weekly_checkin", later).value());
    CHECK(count("SELECT COUNT(*) FROM messages WHERE direction = 'out'") == 1);
  }
  SECTION("an ordinary failure leaves the student in") {
    REQUIRE(f.conv->apply_delivery_report(store, "console", r, t0));
    CHECK(store.message_status(id) == "failed");
    CHECK_FALSE(store.get_student(sid)->opted_out);
    CHECK(count("SELECT COUNT(*) FROM sessions") == 1);
    CHECK(store.delivery_failures(sid) == 1);
  }
}
