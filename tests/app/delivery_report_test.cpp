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
  SECTION("a report that overtakes the gateway's answer applies to the sending message") {
    REQUIRE(store.claim_sms(10, t0)->size() == 1);
    REQUIRE(conv.apply_delivery_report(store, "console", report(*queued, delivery_state::failed), t0));
    CHECK(store.message_status(*queued) == "failed");
  }
}
