// What tuki had queued for a student who then opts out or pauses: the claim withholds what tuki
// started (a check-in's opening), and answers to the student still go. Real SQLite file, the
// shipped dialogs; no network.
#include <catch2/catch.hpp>

#include "support/app_fixture.hpp"
#include "support/inbound_sms.hpp"
#include "support/students.hpp"

using namespace tuki;

namespace {

const core::instant t0 = core::from_unix_ms(1'795'503'600'000);

}  // namespace

TEST_CASE(
    "a STOP while a check-in waits in the queue: the check-in is withheld, the "
    "confirmation goes",
    "[app][outbox]") {
  testing::app_fixture f("tuki-optout-queued");
  const auto s = testing::aino();
  REQUIRE(f.store->upsert_students({s}, t0));
  const auto sid = f.store->find_student_by_phone(s.phone)->id;
  auto& store = *f.store;
  // A campaign queued the opening; a rate-limited gateway has not sent it yet.
  REQUIRE(f.conv->start_checkin(store, sid, "weekly_checkin", t0).value());
  auto& q = store.db().prepare(
      "SELECT id FROM messages WHERE direction = 'out' AND status = 'queued' ORDER BY id");
  REQUIRE(q.step());
  const auto opening = q.column_int(0);
  q.reset();

  const std::string keyword = GENERATE(as<std::string>{}, "STOP", "TAUKO");
  CAPTURE(keyword);
  const auto later = t0 + std::chrono::minutes(5);
  REQUIRE(f.conv->handle_inbound(store, "console", testing::inbound_sms(s.phone, keyword, "m1"),
                                 later));
  const auto claim = store.claim_sms_batch(10, later);
  REQUIRE(claim);
  CHECK(claim->withheld == 1);
  CHECK(store.message_status(opening) == "withheld");
  // The answer to the keyword goes out (the confirmation of STOP or of the pause).
  REQUIRE(claim->sms.size() == 1);
  CHECK(claim->sms[0].id != opening);
  auto& p = store.db().prepare("SELECT purpose FROM messages WHERE id = ?1");
  p.bind(1, claim->sms[0].id);
  REQUIRE(p.step());
  CHECK(p.column_text(0) == "keyword");
  p.reset();
}

TEST_CASE("a student who opts in again gets what tuki queues after", "[app][outbox]") {
  testing::app_fixture f("tuki-optin-queued");
  const auto s = testing::aino();
  REQUIRE(f.store->upsert_students({s}, t0));
  const auto sid = f.store->find_student_by_phone(s.phone)->id;
  auto& store = *f.store;
  REQUIRE(
      f.conv->handle_inbound(store, "console", testing::inbound_sms(s.phone, "STOP", "m1"), t0));
  REQUIRE(f.conv->handle_inbound(store, "console", testing::inbound_sms(s.phone, "START", "m2"),
                                 t0 + std::chrono::minutes(1)));
  REQUIRE_FALSE(store.get_student(sid)->opted_out);
  REQUIRE(
      f.conv->start_checkin(store, sid, "weekly_checkin", t0 + std::chrono::minutes(2)).value());
  const auto claim = store.claim_sms_batch(10, t0 + std::chrono::minutes(2));
  REQUIRE(claim);
  CHECK(claim->withheld == 0);
  CHECK(claim->sms.size() == 3);  // both confirmations and the opening
}

TEST_CASE(
    "a STOP while the dialog's next question waits in the queue: the question is withheld, "
    "the confirmation goes",
    "[app][outbox]") {
  testing::app_fixture f("tuki-optout-question");
  const auto s = testing::aino();
  auto& store = *f.store;
  REQUIRE(store.upsert_students({s}, t0));
  const auto sid = store.find_student_by_phone(s.phone)->id;
  REQUIRE(f.conv->start_checkin(store, sid, "weekly_checkin", t0).value());
  REQUIRE(store.claim_sms_batch(10, t0)->sms.size() == 1);  // the opening went
  // "2": the dialog queues its next question (a reply, priority 1); the gateway is in a
  // retry backoff or quiet hours began, so it has not gone when the student sends STOP.
  const auto t1 = t0 + std::chrono::minutes(5);
  REQUIRE(f.conv->handle_inbound(store, "console", testing::inbound_sms(s.phone, "2", "m1"), t1));
  REQUIRE(f.conv->handle_inbound(store, "console", testing::inbound_sms(s.phone, "STOP", "m2"),
                                 t1 + std::chrono::seconds(30)));
  const auto claim = store.claim_sms_batch(10, t1 + std::chrono::minutes(1));
  REQUIRE(claim);
  CHECK(claim->withheld == 1);
  REQUIRE(claim->sms.size() == 1);
  auto& p = store.db().prepare("SELECT purpose FROM messages WHERE id = ?1");
  p.bind(1, claim->sms[0].id);
  REQUIRE(p.step());
  CHECK(p.column_text(0) == "keyword");  // only the STOP confirmation
  p.reset();
}
