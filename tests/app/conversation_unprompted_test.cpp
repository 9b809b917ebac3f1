// A registered student's message that no session waits for (texted first, or answered after
// the check-in expired) starts dialogs/student_message.yaml with the message as its first reply:
// a named problem is routed, anything else is offered contact, a thank-you gets no answer, and
// nobody who opted out or paused is texted. Real SQLite file, the shipped dialogs.
#include <catch2/catch.hpp>

#include "support/texting_student.hpp"

using namespace tuki;
using std::chrono::hours;
using std::chrono::minutes;

namespace {

const core::instant t0 = core::from_unix_ms(1'795'503'600'000);  // a Tuesday, 09:00 in Helsinki

struct unprompted_fixture : testing::texting_student {
  unprompted_fixture() : texting_student("tuki-unprompted", t0) {}
  /// The school social worker, who gets the bullying tickets of the built-in rules.
  void add_social_worker() {
    core::staff_member kuraattori;
    kuraattori.institution_id = "varia";
    kuraattori.email = "kuraattori@varia.test";
    kuraattori.name = "Kaisa";
    kuraattori.roles = {"social_worker"};
    REQUIRE(f.store->upsert_staff({kuraattori}));
  }
};

}  // namespace

TEST_CASE("a student who texts first about a problem gets a ticket and an answer",
          "[app][unprompted]") {
  unprompted_fixture x;
  auto out = x.text("Tarvitsen apua matikassa, en pääse kurssista läpi", t0);
  CHECK(out.tickets == 1);
  CHECK(out.replies == 1);
  CHECK(x.count("SELECT COUNT(*) FROM tickets WHERE category = 'studies'") == 1);
  CHECK_THAT(x.last_out(), Catch::Contains("ottaa sinuun pian yhteyttä"));
  CHECK(x.session_dialog().empty());  // done
}

TEST_CASE("anything else is offered contact; yes asks what about and opens a ticket",
          "[app][unprompted]") {
  unprompted_fixture x;
  auto out = x.text("moi, voinko kysyä jotain", t0);
  CHECK(out.tickets == 0);
  CHECK(out.replies == 1);
  CHECK_THAT(x.last_out(), Catch::StartsWith("Kiitos viestistäsi! Haluaisitko"));
  CHECK(x.session_dialog() == "student_message");
  x.text("no kyllä", t0 + minutes(2));  // Finnish "well, yes"
  CHECK_THAT(x.last_out(), Catch::StartsWith("Missä asiassa haluaisit apua?"));
  out = x.text("3", t0 + minutes(3));
  CHECK(out.tickets == 1);
  CHECK(x.count("SELECT COUNT(*) FROM tickets WHERE category = 'life'") == 1);
}

TEST_CASE("a thank-you after a finished check-in gets no answer", "[app][unprompted]") {
  unprompted_fixture x;
  REQUIRE(x.f.conv->start_checkin(*x.f.store, x.sid, "weekly_checkin", t0).value());
  x.text("5", t0 + minutes(1));  // fine: "Kiva kuulla", the session ends
  REQUIRE(x.session_dialog().empty());
  const auto sent = x.count("SELECT COUNT(*) FROM messages WHERE direction = 'out'");
  for (const char* thanks : {"kiitos", "ok", "👍"}) {
    auto out = x.text(thanks, t0 + minutes(2));
    CAPTURE(thanks);
    CHECK(out.replies == 0);
    CHECK(out.tickets == 0);
  }
  CHECK(x.count("SELECT COUNT(*) FROM messages WHERE direction = 'out'") == sent);
  CHECK(x.session_dialog().empty());
}

TEST_CASE("a reply after the check-in expired ends it unanswered and is read as a message",
          "[app][unprompted]") {
  unprompted_fixture x;
  REQUIRE(x.f.conv->start_checkin(*x.f.store, x.sid, "weekly_checkin", t0).value());
  auto out = x.text("huonosti menee, mua kiusataan", t0 + hours(80));  // expiry: 72 h
  CHECK(out.tickets == 1);
  CHECK(x.count("SELECT COUNT(*) FROM tickets WHERE category = 'wellbeing'") == 1);
  CHECK(x.session_dialog().empty());
}

TEST_CASE("nobody who opted out or paused is texted back; a crisis still is", "[app][unprompted]") {
  unprompted_fixture x;
  x.text("LOPETA", t0);
  const auto sent = x.count("SELECT COUNT(*) FROM messages WHERE direction = 'out'");
  auto out = x.text("moi, voinko kysyä jotain", t0 + minutes(5));
  CHECK(out.replies == 0);
  CHECK(x.count("SELECT COUNT(*) FROM messages WHERE direction = 'out'") == sent);
  CHECK(x.session_dialog().empty());
  out = x.text("haluan kuolla", t0 + minutes(6));
  CHECK(out.crisis);
  CHECK(out.replies == 1);
}

TEST_CASE("within a day of the last offer only a message that names a problem is answered",
          "[app][unprompted]") {
  // An auto-responder or a string of "selvä"s must not loop with the offer of contact.
  unprompted_fixture x;
  x.text("moi", t0);
  CHECK_THAT(x.last_out(), Catch::StartsWith("Kiitos viestistäsi!"));
  x.text("2", t0 + minutes(1));  // no thanks: "Selvä! ..."
  REQUIRE(x.session_dialog().empty());
  const auto sent = x.count("SELECT COUNT(*) FROM messages WHERE direction = 'out'");
  auto out = x.text("selvä", t0 + minutes(2));
  CHECK(out.replies == 0);
  CHECK(x.count("SELECT COUNT(*) FROM messages WHERE direction = 'out'") == sent);
  CHECK(x.session_dialog().empty());
  out = x.text("mua kiusataan koulussa", t0 + hours(3));  // a problem is still routed
  CHECK(out.tickets == 1);
  CHECK(out.replies == 1);
  out = x.text("selvä", t0 + hours(28));  // a day later: offered again
  CHECK(out.replies == 1);
  CHECK_THAT(x.last_out(), Catch::StartsWith("Kiitos viestistäsi!"));
}

TEST_CASE("a problem the student has an open ticket for joins that ticket", "[app][unprompted]") {
  unprompted_fixture x;
  x.add_social_worker();
  REQUIRE(x.text("mua kiusataan koulussa", t0).tickets == 1);
  REQUIRE(x.count("SELECT COUNT(*) FROM outbox WHERE kind = 'mail'") == 1);  // the new ticket
  auto out = x.text("ne kiusaa mua joka päivä", t0 + hours(2));
  CHECK(out.tickets == 0);
  CHECK(out.replies == 1);  // the student is still answered
  CHECK(x.count("SELECT COUNT(*) FROM tickets") == 1);
  CHECK(x.count("SELECT COUNT(*) FROM ticket_events WHERE event = 'STUDENT_MESSAGE'") == 1);
  // Its assignee hears of it.
  CHECK(x.count("SELECT COUNT(*) FROM outbox WHERE kind = 'mail'") == 2);
  CHECK(x.count("SELECT COUNT(*) FROM outbox WHERE kind = 'mail' AND payload LIKE "
                "'%Opiskelija kirjoitti uudelleen%'") == 1);
  // Another problem is a ticket of its own.
  CHECK(x.text("rahat on loppu", t0 + hours(3)).tickets == 1);
  CHECK(x.count("SELECT COUNT(*) FROM tickets") == 2);
}

TEST_CASE("a paused student writing about an open ticket is not texted, but its staff hear",
          "[app][unprompted]") {
  unprompted_fixture x;
  x.add_social_worker();
  REQUIRE(x.text("mua kiusataan koulussa", t0).tickets == 1);
  x.text("TAUKO", t0 + minutes(1));
  const auto sent = x.count("SELECT COUNT(*) FROM messages WHERE direction = 'out'");
  auto out = x.text("ne kiusaa mua taas", t0 + hours(2));
  CHECK(out.replies == 0);
  CHECK(x.count("SELECT COUNT(*) FROM messages WHERE direction = 'out'") == sent);
  CHECK(x.count("SELECT COUNT(*) FROM ticket_events WHERE event = 'STUDENT_MESSAGE'") == 1);
  CHECK(x.count("SELECT COUNT(*) FROM outbox WHERE kind = 'mail' AND payload LIKE "
                "'%Opiskelija kirjoitti uudelleen%'") == 1);
  // A new matter opens its ticket: a pause asks not to be texted, not to be ignored. The
  // answer to what they wrote ("someone will contact you") still goes.
  out = x.text("rahat on loppu", t0 + hours(3));
  CHECK(out.tickets == 1);
  CHECK(out.replies == 1);
  CHECK(x.count("SELECT COUNT(*) FROM tickets") == 2);
  CHECK(x.session_dialog().empty());
}

TEST_CASE("a student who opted out and writes about a new problem: its staff hear, tuki texts nothing",
          "[app][unprompted]") {
  unprompted_fixture x;
  x.add_social_worker();
  x.text("LOPETA", t0);
  const auto sent = x.count("SELECT COUNT(*) FROM messages WHERE direction = 'out'");
  const auto mails = x.count("SELECT COUNT(*) FROM outbox WHERE kind = 'mail'");
  auto out = x.text("mua kiusataan koulussa", t0 + hours(24 * 7));
  CHECK_FALSE(out.crisis);
  CHECK(out.tickets == 1);
  CHECK(out.replies == 0);
  CHECK(x.count("SELECT COUNT(*) FROM tickets") == 1);
  CHECK(x.count("SELECT COUNT(*) FROM outbox WHERE kind = 'mail'") > mails);  // staff are told
  CHECK(x.count("SELECT COUNT(*) FROM messages WHERE direction = 'out'") == sent);
  CHECK(x.session_dialog().empty());
}

TEST_CASE("HELP asks the student to write what they need; what they write is routed",
          "[app][unprompted]") {
  unprompted_fixture x;
  auto out = x.text("APUA", t0);
  CHECK(out.tickets == 0);
  CHECK_THAT(x.last_out(), Catch::Contains("Kirjoita tähän, missä tarvitset apua"));
  out = x.text("tarvitsen apua matikassa", t0 + minutes(1));
  CHECK(out.tickets == 1);
  CHECK(x.count("SELECT COUNT(*) FROM tickets WHERE category = 'studies'") == 1);
}
