#include "tuki/adapters/store/sqlite_store.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <sqlite3.h>
#include <catch2/catch.hpp>

#include "support/temp_db.hpp"
#include "support/varia_store.hpp"
#include "tuki/adapters/store/migrations.hpp"

using namespace tuki;
using namespace tuki::adapters;

namespace {

using testing::temp_db;


core::instant t0 = core::from_unix_ms(1'795'000'000'000);

core::student student(std::string ref, std::string phone) {
  return testing::varia_student(std::move(ref), std::move(phone));
}

std::unique_ptr<sqlite_store> open_with_institution(const temp_db& db) {
  return testing::varia_store(db);
}

// Stores the one student "s1" (+358401234567); returns the student's id.
std::int64_t one_student(sqlite_store& store) {
  REQUIRE(store.upsert_students({student("s1", "+358401234567")}, t0));
  return store.find_student_by_phone("+358401234567")->id;
}

// A database written at schema `version` by `rows`, then opened by the store (which upgrades
// it), with a second connection to look at the result.
struct upgraded {
  std::unique_ptr<sqlite_store> store;
  std::unique_ptr<sqlite_connection> conn;
};
upgraded upgrade_from(const temp_db& db, int version, const std::string& rows) {
  {
    auto conn = sqlite_connection::open(db.path.string());
    REQUIRE(conn);
    REQUIRE(migrate(**conn, version).is_ok());
    REQUIRE((*conn)->exec(rows).is_ok());
  }
  auto store = sqlite_store::open(db.path.string());
  INFO(store.error().to_string());
  REQUIRE(store);
  auto conn = sqlite_connection::open(db.path.string());
  REQUIRE(conn);
  return {std::move(*store), std::move(*conn)};
}

}  // namespace

TEST_CASE("migrations upgrade a database from every earlier version", "[store]") {
  // Every version a database can be at: 0 and each migration's (numbers may have gaps).
  std::vector<int> versions{0};
  for (const auto& m : migrations())
    if (m.version < latest_schema_version()) versions.push_back(m.version);
  for (int from : versions) {
    CAPTURE(from);
    temp_db db;
    {
      auto conn = sqlite_connection::open(db.path.string());
      REQUIRE(conn);
      REQUIRE(migrate(**conn, from).is_ok());
      CHECK(schema_version(**conn).value() == from);
      if (from >= 1) {
        // Data written at that version must survive the upgrade.
        REQUIRE((*conn)->exec("INSERT INTO institutions VALUES ('varia', 'Varia', 'FI', 'Europe/Helsinki');"
                              "INSERT INTO students (institution_id, student_ref, phone, created_at, updated_at) "
                              "VALUES ('varia', 's1', '+358401234567', 1, 1)").is_ok());
      }
    }
    auto store = sqlite_store::open(db.path.string());
    INFO(store.error().to_string());
    REQUIRE(store);
    auto conn = sqlite_connection::open(db.path.string());
    CHECK(schema_version(**conn).value() == latest_schema_version());
    if (from >= 1) {
      auto s = (*store)->find_student_by_phone("+358401234567");
      REQUIRE(s);
      CHECK(s->ref == "s1");
      CHECK(s->programme.empty());
    }
  }
}

TEST_CASE("migration 6 keeps planned sends and their due index", "[store]") {
  temp_db db;
  auto [store, conn] = upgrade_from(
      db, 5,
      "INSERT INTO institutions VALUES ('varia', 'Varia', 'FI', 'Europe/Helsinki');"
      "INSERT INTO students (id, institution_id, student_ref, phone, created_at, updated_at) "
      "VALUES (7, 'varia', 's1', '+358401234567', 1, 1), (8, 'varia', 's2', '+358401234568', 1, 1);"
      "INSERT INTO campaigns (id, institution_id, rule_id, run_key, dialog_id, created_at) "
      "VALUES (3, 'varia', 'manual', 'k', 'weekly_checkin', 1);"
      "INSERT INTO planned_sends (id, campaign_id, student_id, day, due_at, status, updated_at) "
      "VALUES (41, 3, 7, 2, 5000, 'planned', 1), (42, 3, 8, 0, 6000, 'started', 2)");
  auto& q = conn->prepare(
      "SELECT group_concat(id || ':' || campaign_id || ':' || student_id || ':' || "
      "day || ':' || due_at || ':' || status, ' ') FROM planned_sends");
  REQUIRE(q.step());
  CHECK(q.column_text(0) == "41:3:7:2:5000:planned 42:3:8:0:6000:started");
  q.reset();
  auto& idx = conn->prepare(
      "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND "
      "tbl_name = 'planned_sends' AND name = 'planned_sends_due'");
  REQUIRE(idx.step());
  CHECK(idx.column_int(0) == 1);
  idx.reset();
  // Still only planned rows fall due.
  CHECK(store->planned_sends_waiting() == 1);
}

TEST_CASE("migration 9 indexes the SMS being sent: outbox depth and the restart's requeue",
          "[store]") {
  temp_db db;
  auto [store, conn] = upgrade_from(
      db, 8,
      "INSERT INTO institutions VALUES ('varia', 'Varia', 'FI', 'Europe/Helsinki');"
      "INSERT INTO students (id, institution_id, student_ref, phone, created_at, updated_at) "
      "VALUES (7, 'varia', 's1', '+358401234567', 1, 1);"
      "INSERT INTO messages (id, student_id, direction, status, gateway, body, created_at, "
      "updated_at) VALUES "
      "(1, 7, 'out', 'queued', 'kannel', 'a', 1, 1), (2, 7, 'out', 'queued', 'kannel', 'b', 1, 1),"
      "(3, 7, 'out', 'sending', 'kannel', 'c', 1, 1), (4, 7, 'out', 'sent', 'kannel', 'd', 1, 1),"
      "(5, 7, 'in', 'received', 'kannel', 'e', 1, 1), (6, 7, 'in', 'sending', 'kannel', 'f', 1, 1)");
  auto& idx = conn->prepare(
      "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master "
      "WHERE type = 'index' AND name IN ('messages_in_outbox', "
      "'messages_sending') ORDER BY name)");
  REQUIRE(idx.step());
  CHECK(idx.column_text(0) == "messages_sending");
  idx.reset();
  // Queued (two) and sending (one) outbound SMS; not the sent one, nor inbound rows.
  CHECK(store->sms_outbox_depth() == 3);
  CHECK(store->outbox_depth() == 3);
  auto requeued = store->requeue_in_flight(t0);
  REQUIRE(requeued);
  CHECK(*requeued == 1);
  CHECK(store->message_status(3) == "queued");
  CHECK(store->message_status(6) == "sending");  // inbound: not the outbox's
  CHECK(store->sms_outbox_depth() == 3);
  // A claim moves queued SMS into the sending index; the depth counts them the same.
  auto claimed = store->claim_sms(2, t0).value();
  REQUIRE(claimed.size() == 2);
  CHECK(store->sms_outbox_depth() == 3);
  auto& sending = conn->prepare(
      "SELECT COUNT(*) FROM messages INDEXED BY messages_sending "
      "WHERE direction = 'out' AND status = 'sending'");
  REQUIRE(sending.step());
  CHECK(sending.column_int(0) == 2);
  sending.reset();
}

TEST_CASE("migration 7 keeps the last of repeated events and stores each event once", "[store]") {
  temp_db db;
  // Imported twice before events were unique: (7, absence, 11-20) three times, the last with 5.
  const std::string rows =
      "INSERT INTO institutions VALUES ('varia', 'Varia', 'FI', 'Europe/Helsinki');"
      "INSERT INTO students (id, institution_id, student_ref, phone, created_at, updated_at) "
      "VALUES (7, 'varia', 's1', '+358401234567', 1, 1), (8, 'varia', 's2', '+358401234568', 1, 1);"
      "INSERT INTO events (id, institution_id, student_id, event, day, value, created_at) VALUES "
      "(1, 'varia', 7, 'absence', '2026-11-20', 3, 1), (2, 'varia', 7, 'absence', '2026-11-21', 2, "
      "1),"
      "(3, 'varia', 8, 'absence', '2026-11-20', 1, 1), (4, 'varia', 7, 'absence', '2026-11-20', 3, "
      "2),"
      "(5, 'varia', 7, 'absence', '2026-11-21', 2, 2), (6, 'varia', 7, 'late', '2026-11-20', 1, 2),"
      "(7, 'varia', 7, 'absence', '2026-11-20', 5, 3)";
  auto [store, conn] = upgrade_from(db, 6, rows);
  auto& q = conn->prepare(
      "SELECT group_concat(id || ':' || student_id || ':' || event || ':' || day || ':' || value, "
      "' ') FROM (SELECT * FROM events ORDER BY id)");
  REQUIRE(q.step());
  CHECK(q.column_text(0) == "3:8:absence:2026-11-20:1.0 5:7:absence:2026-11-21:2.0 "
                            "6:7:late:2026-11-20:1.0 7:7:absence:2026-11-20:5.0");
  q.reset();
  // The unique index refuses a second row for an event; add_events finds it unchanged.
  const std::string copy =
      "INSERT INTO events (institution_id, student_id, event, day, value, created_at) "
      "VALUES ('varia', 7, 'absence', '2026-11-21', 2, 4)";
  CHECK_FALSE(conn->exec(copy).is_ok());
  std::vector<event_row> again{{7, "absence", "2026-11-21", 2}};
  auto n = store->add_events("varia", again, t0);
  REQUIRE(n);
  CHECK(n->unchanged == 1);
}

TEST_CASE("two processes upgrading one database at once both start; each migration runs once",
          "[store]") {
  // A fresh database (its version table only) and one a few versions behind.
  for (int from : {0, latest_schema_version() - 3}) {
    CAPTURE(from);
    temp_db db;
    auto a = sqlite_connection::open(db.path.string());
    auto b = sqlite_connection::open(db.path.string());
    REQUIRE(a);
    REQUIRE(b);
    REQUIRE((*a)->exec("PRAGMA journal_mode = WAL").is_ok());  // as the store opens it
    REQUIRE(migrate(**a, from).is_ok());
    REQUIRE(schema_version(**b).value() == from);
    // A (`tuki serve`) upgrades in a transaction of its own while B (a cron import) starts its
    // upgrade: B reads version `from`, then waits for A's write lock.
    REQUIRE((*a)->exec("BEGIN IMMEDIATE").is_ok());
    for (const auto& m : migrations())
      if (m.version > from) REQUIRE((*a)->exec(m.sql).is_ok());
    REQUIRE((*a)->exec("DELETE FROM schema_version; INSERT INTO schema_version VALUES (" +
                       std::to_string(latest_schema_version()) + ")")
                .is_ok());
    std::promise<void> waiting;
    auto b_waits = waiting.get_future();
    std::atomic<bool> first{true};
    struct busy {
      std::promise<void>* waiting;
      std::atomic<bool>* first;
    } state{&waiting, &first};
    sqlite3_busy_handler((*b)->raw(),
                         [](void* p, int) {
                           auto* s = static_cast<busy*>(p);
                           if (s->first->exchange(false)) s->waiting->set_value();
                           std::this_thread::sleep_for(std::chrono::milliseconds(1));
                           return 1;
                         },
                         &state);
    auto b_migrated = std::async(std::launch::async, [&] { return migrate(**b); });
    b_waits.wait();  // B has read the version and asks for the lock
    REQUIRE((*a)->exec("COMMIT").is_ok());
    const auto st = b_migrated.get();
    INFO(st.to_string());
    CHECK(st.is_ok());
    CHECK(schema_version(**b).value() == latest_schema_version());
    // The schema is whole: the store opens it and works.
    auto store = sqlite_store::open(db.path.string());
    INFO(store.error().to_string());
    REQUIRE(store);
    REQUIRE((*store)->upsert_institution("varia", "Varia", "FI", "Europe/Helsinki").is_ok());
    CHECK(one_student(**store) > 0);
  }
}

TEST_CASE("a database newer than the code is refused", "[store]") {
  temp_db db;
  {
    auto conn = sqlite_connection::open(db.path.string());
    REQUIRE(migrate(**conn).is_ok());
    REQUIRE((*conn)->exec("UPDATE schema_version SET version = 999").is_ok());
  }
  auto store = sqlite_store::open(db.path.string());
  REQUIRE_FALSE(store);
  CHECK_THAT(store.error().message(), Catch::Contains("newer than this tuki"));
}

TEST_CASE("students are upserted by reference and found by phone", "[store]") {
  temp_db db;
  auto store = open_with_institution(db);
  auto n = store->upsert_students({student("s1", "+358401234567"), student("s2", "+358401234568")}, t0);
  REQUIRE(n);
  CHECK(*n == 2);
  auto changed = student("s1", "+358409999999");
  changed.first_name = "Aino-Maria";
  auto again = store->upsert_students({changed}, t0);
  REQUIRE(again);
  CHECK(*again == 0);
  CHECK_FALSE(store->find_student_by_phone("+358401234567"));
  auto s = store->find_student_by_phone("+358409999999");
  REQUIRE(s);
  CHECK(s->first_name == "Aino-Maria");
  CHECK(store->select_students("varia", "all").size() == 2);
  CHECK(store->select_students("varia", "AUT21").size() == 2);
  CHECK(store->select_students("varia", "s2").size() == 1);
  REQUIRE(store->set_contact_state(s->id, true, std::nullopt, t0).is_ok());
  CHECK(store->select_students("varia", "all").size() == 1);
}

TEST_CASE("the sessions' dialog versions are listed once each", "[store]") {
  temp_db db;
  auto store = open_with_institution(db);
  REQUIRE(store->upsert_students({student("s1", "+358401234561"), student("s2", "+358401234562"),
                                  student("s3", "+358401234563"), student("s4", "+358401234564")},
                                 t0));
  std::vector<std::int64_t> ids;
  for (const char* phone : {"+358401234561", "+358401234562", "+358401234563", "+358401234564"})
    ids.push_back(store->find_student_by_phone(phone)->id);
  REQUIRE(store->save_session(ids[0], "weekly_checkin", R"({"dialog":"weekly_checkin","version":"aaaa"})", t0).is_ok());
  REQUIRE(store->save_session(ids[1], "weekly_checkin", R"({"dialog":"weekly_checkin","version":"aaaa"})", t0).is_ok());
  REQUIRE(store->save_session(ids[2], "weekly_checkin", R"({"dialog":"weekly_checkin","version":"bbbb"})", t0).is_ok());
  REQUIRE(store->save_session(ids[3], "welcome", "not json", t0).is_ok());  // unreadable: skipped
  auto versions = store->session_dialog_versions();
  std::sort(versions.begin(), versions.end());
  using pair = std::pair<std::string, std::string>;
  CHECK(versions == std::vector<pair>{{"weekly_checkin", "aaaa"}, {"weekly_checkin", "bbbb"}});
}

TEST_CASE("an upsert keeps extra columns and the programme it does not name", "[store]") {
  temp_db db;
  auto store = open_with_institution(db);
  auto s = student("s1", "+358401234567");
  s.programme = "Automation";
  s.extra = {{"internship_start", "2027-01-15"}, {"internship_end", "2027-05-31"}, {"note", ""}};
  REQUIRE(store->upsert_student(s, t0).is_ok());
  auto stored = store->find_student_by_phone(s.phone);
  REQUIRE(stored);
  CHECK(stored->extra == std::map<std::string, std::string>{{"internship_end", "2027-05-31"},
                                                            {"internship_start", "2027-01-15"}});
  s.programme.clear();
  s.extra = {{"internship_end", ""}, {"graduation_date", "2028-06-01"}};  // end cleared, one added
  REQUIRE(store->upsert_student(s, t0, false).is_ok());
  stored = store->find_student_by_phone(s.phone);
  REQUIRE(stored);
  CHECK(stored->programme == "Automation");
  CHECK(stored->extra == std::map<std::string, std::string>{{"graduation_date", "2028-06-01"},
                                                            {"internship_start", "2027-01-15"}});
  s.extra.clear();
  REQUIRE(store->upsert_student(s, t0).is_ok());  // the programme column, empty: cleared
  stored = store->find_student_by_phone(s.phone);
  REQUIRE(stored);
  CHECK(stored->programme.empty());
  CHECK(stored->extra.size() == 2);
}

TEST_CASE("an upsert writes a student only when something is new", "[store]") {
  temp_db db;
  auto store = open_with_institution(db);
  auto s = student("s1", "+358401234567");
  s.programme = "Automation";
  s.extra = {{"internship_start", "2027-01-15"}};
  CHECK(store->upsert_student(s, t0).value());        // new
  CHECK_FALSE(store->upsert_student(s, t0).value());  // the same values
  s.extra = {{"internship_start", "2027-02-01"}};
  CHECK(store->upsert_student(s, t0).value());  // an extra column changed
  s.extra = {};
  CHECK_FALSE(store->upsert_student(s, t0).value());  // no extra column named: kept
  s.programme = "Logistics";
  CHECK_FALSE(store->upsert_student(s, t0, false).value());  // a file without the programme
  CHECK(store->upsert_student(s, t0).value());               // with it: changed
  s.group = "LOG22";
  CHECK(store->upsert_student(s, t0).value());
  s.extra = {{"note", ""}};  // removing a key that is not there
  CHECK_FALSE(store->upsert_student(s, t0).value());
}

TEST_CASE("staff are one row per email whatever its case", "[store]") {
  temp_db db;
  auto store = open_with_institution(db);
  core::staff_member m;
  m.institution_id = "varia";
  m.email = "Anna.K@school.fi";  // as imports stored it before they lower-cased emails
  m.roles = {"teacher"};
  REQUIRE(store->upsert_staff({m}));
  m.email = "anna.k@school.fi";
  m.roles = {"nurse"};
  auto recased = store->upsert_staff({m});
  REQUIRE(recased);
  CHECK(recased->added == 0);  // the same person: her row is replaced
  CHECK(recased->updated == 1);
  auto again = store->upsert_staff({m});
  REQUIRE(again);
  CHECK(again->unchanged == 1);
  auto all = store->list_staff("varia");
  REQUIRE(all.size() == 1);
  CHECK(all[0].email == "anna.k@school.fi");
  CHECK(all[0].roles == std::vector<std::string>{"nurse"});

  // Both cases stored (two imports before the lower-casing, with different values): the other
  // case gives way, and the member counts once, as updated.
  REQUIRE(store->db()
              .exec("INSERT INTO staff (institution_id, email, roles) "
                    "VALUES ('varia', 'ANNA.K@school.fi', 'teacher')")
              .is_ok());
  m.name = "Anna K";
  auto both = store->upsert_staff({m});
  REQUIRE(both);
  CHECK(both->added == 0);
  CHECK(both->updated == 1);
  CHECK(both->unchanged == 0);
  CHECK(store->list_staff("varia").size() == 1);
}

TEST_CASE("a staff import counts members new, updated and unchanged, leaving unchanged rows alone",
          "[store]") {
  temp_db db;
  auto store = open_with_institution(db);
  auto member = [](std::string email, std::string role) {
    core::staff_member m;
    m.institution_id = "varia";
    m.email = std::move(email);
    m.name = "Name";
    m.roles = {std::move(role)};
    m.campuses = {"Tikkurila"};
    m.groups = {"AUT21", "LOG22"};
    m.phone = "+358500000001";
    return m;
  };
  std::vector<core::staff_member> staff{member("opo@varia.test", "study_counsellor"),
                                        member("kuraattori@varia.test", "social_worker")};
  auto first = store->upsert_staff(staff);
  REQUIRE(first);
  CHECK(first->added == 2);
  CHECK(first->updated == 0);
  CHECK(first->unchanged == 0);
  const auto stored = store->list_staff("varia");

  // Every write to a staff row is counted: a re-import of the same rows writes none.
  REQUIRE(store->db()
              .exec("CREATE TEMP TABLE staff_writes (email TEXT);"
                    "CREATE TEMP TRIGGER staff_written AFTER UPDATE ON staff "
                    "BEGIN INSERT INTO staff_writes VALUES (NEW.email); END;")
              .is_ok());
  auto writes = [&] {
    return store->db().prepare("SELECT COUNT(*) FROM staff_writes").first_int().value_or(-1);
  };
  auto same = store->upsert_staff(staff);
  REQUIRE(same);
  CHECK(same->added == 0);
  CHECK(same->updated == 0);
  CHECK(same->unchanged == 2);
  CHECK(writes() == 0);
  auto after = store->list_staff("varia");
  REQUIRE(after.size() == stored.size());
  for (std::size_t i = 0; i < after.size(); ++i) {
    CHECK(after[i].id == stored[i].id);
    CHECK(after[i].email == stored[i].email);
  }

  // One field changed (the groups' order too: they are stored as written), one member new.
  staff[1].groups = {"LOG22", "AUT21"};
  staff.push_back(member("terveydenhoitaja@varia.test", "nurse"));
  auto changed = store->upsert_staff(staff);
  REQUIRE(changed);
  CHECK(changed->added == 1);
  CHECK(changed->updated == 1);
  CHECK(changed->unchanged == 1);
  CHECK(writes() == 1);
  after = store->list_staff("varia");
  REQUIRE(after.size() == 3);
  CHECK(after[1].groups == std::vector<std::string>{"LOG22", "AUT21"});
  for (auto field : {&core::staff_member::name, &core::staff_member::phone}) {
    INFO("a changed " << (field == &core::staff_member::name ? "name" : "phone"));
    staff[0].*field += "!";
    auto one = store->upsert_staff(staff);
    REQUIRE(one);
    CHECK(one->added == 0);
    CHECK(one->updated == 1);
    CHECK(one->unchanged == 2);
  }
  staff[2].roles.push_back("psychologist");
  staff[2].campuses.clear();
  auto roles = store->upsert_staff(staff);
  REQUIRE(roles);
  CHECK(roles->updated == 1);
  CHECK(roles->unchanged == 2);
  CHECK(store->list_staff("varia")[2].roles == std::vector<std::string>{"nurse", "psychologist"});
}

TEST_CASE("deactivated staff are kept, listed inactive, and active again when imported",
          "[store]") {
  temp_db db;
  auto store = open_with_institution(db);
  auto member = [](std::string email) {
    core::staff_member m;
    m.institution_id = "varia";
    m.email = std::move(email);
    m.roles = {"teacher"};
    return m;
  };
  REQUIRE(store->upsert_staff({member("anna@varia.test"), member("bo@varia.test")}));
  const auto ids = store->list_staff("varia");
  REQUIRE(ids.size() == 2);
  CHECK(ids[0].active);

  // One unknown email: nothing changes, and the error names it.
  auto unknown = store->deactivate_staff("varia", {"anna@varia.test", "nobody@varia.test"}, t0);
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().error_code() == core::status::code::not_found);
  CHECK(unknown.error().message().find("nobody@varia.test") != std::string::npos);
  CHECK(store->list_staff("varia")[0].active);

  auto gone = store->deactivate_staff("varia", {"Anna@Varia.test"}, t0);
  REQUIRE(gone);
  CHECK(gone->ids == std::vector<std::int64_t>{ids[0].id});
  CHECK(gone->already == 0);
  auto after = store->list_staff("varia");
  REQUIRE(after.size() == 2);  // kept: tickets name her
  CHECK_FALSE(after[0].active);
  CHECK(after[1].active);
  auto again = store->deactivate_staff("varia", {"anna@varia.test"}, t0);
  REQUIRE(again);
  CHECK(again->ids.empty());
  CHECK(again->already == 1);
  // Another institution's staff are not this one's.
  REQUIRE(store->upsert_institution("omnia", "Omnia", "FI", "Europe/Helsinki").is_ok());
  CHECK_FALSE(store->deactivate_staff("omnia", {"bo@varia.test"}, t0));

  // Imported again: active, counted as updated and reactivated.
  auto back = store->upsert_staff({member("anna@varia.test"), member("bo@varia.test")});
  REQUIRE(back);
  CHECK(back->added == 0);
  CHECK(back->updated == 1);
  CHECK(back->unchanged == 1);
  CHECK(back->reactivated == 1);
  CHECK(store->list_staff("varia")[0].active);
}

TEST_CASE("deactivating staff makes their open tickets due, shared ones too, and no others",
          "[store]") {
  temp_db db;
  auto store = open_with_institution(db);
  const auto student = one_student(*store);
  core::staff_member m;
  m.institution_id = "varia";
  m.email = "anna@varia.test";
  m.roles = {"teacher"};
  REQUIRE(store->upsert_staff({m}));
  auto ticket = [&](const std::string& status, const std::string& assignee,
                    const std::string& state, std::optional<std::int64_t> due) {
    ticket_row t;
    t.institution_id = "varia";
    t.student_id = student;
    t.category = "studies";
    t.urgency = "normal";
    t.status = status;
    t.assignee = assignee;
    auto id = store->open_ticket(t, t0);
    REQUIRE(id);
    std::optional<core::instant> at;
    if (due) at = core::from_unix_ms(*due);
    REQUIRE(store->save_ticket_state(*id, status, "teacher", assignee, state, at, t0));
    return *id;
  };
  const std::string shared =
      R"({"assignees":[{"email":"bo@varia.test"},{"email":"anna@varia.test"}]})";
  const std::string others = R"({"assignees":[{"email":"bo@varia.test"}]})";
  const auto now = core::to_unix_ms(t0) + 1000;
  const auto sole = ticket("OPENED", "anna@varia.test", "{}", std::nullopt);  // acknowledged
  const auto second = ticket("OPENED", "bo@varia.test", shared, now + 5000);
  const auto earlier = ticket("OPENED", "anna@varia.test", "{}", now - 5000);  // stays earlier
  const auto resolved = ticket("RESOLVED", "anna@varia.test", "{}", std::nullopt);
  const auto not_hers = ticket("OPENED", "bo@varia.test", others, now + 5000);
  const auto unrouted = ticket("NEW", "", "", now + 5000);

  auto gone = store->deactivate_staff("varia", {"anna@varia.test"}, core::from_unix_ms(now));
  REQUIRE(gone);
  CHECK(gone->tickets_due == 3);
  auto due_at = [&](std::int64_t id) {
    return store->db()
        .prepare("SELECT IFNULL(sla_due_at, -1) FROM tickets WHERE id = ?1")
        .bind(1, id)
        .first_int()
        .value_or(-2);
  };
  CHECK(due_at(sole) == now);
  CHECK(due_at(second) == now);
  CHECK(due_at(earlier) == now - 5000);
  CHECK(due_at(resolved) == -1);
  CHECK(due_at(not_hers) == now + 5000);
  CHECK(due_at(unrouted) == now + 5000);
}

TEST_CASE("migration 16 makes unacknowledged crisis tickets escalated before due, and no others",
          "[store]") {
  temp_db db;
  auto state = [](const char* status, const char* acknowledged, const char* escalated) {
    return std::string("'{\"status\":\"") + status + "\",\"acknowledged_at\":" + acknowledged +
           ",\"escalated_at\":" + escalated + "}'";
  };
  auto row = [](int id, const char* category, const char* urgency, const char* status,
                const std::string& st) {
    return "(" + std::to_string(id) + ", 'varia', 7, '" + category + "', '" + urgency + "', '" +
           status + "', " + st + ", NULL, 100, " + std::to_string(1000 + id) + ")";
  };
  // Up to 16 only: migration 18 makes every open ticket due.
  auto conn = sqlite_connection::open(db.path.string());
  REQUIRE(conn);
  REQUIRE(migrate(**conn, 15).is_ok());
  REQUIRE(
      (*conn)
          ->exec("INSERT INTO institutions VALUES ('varia', 'Varia', 'FI', 'Europe/Helsinki');"
                 "INSERT INTO students (id, institution_id, student_ref, phone, created_at, "
                 "updated_at) VALUES (7, 'varia', 's1', '+358401234567', 1, 1);"
                 "INSERT INTO tickets (id, institution_id, student_id, category, urgency, "
                 "status, state, sla_due_at, created_at, updated_at) VALUES " +
                 row(1, "crisis", "urgent", "OPENED", state("OPENED", "null", "500")) + "," +
                 row(2, "wellbeing", "urgent", "OPENED", state("OPENED", "null", "500")) + "," +
                 row(3, "crisis", "urgent", "ACKNOWLEDGED", state("ACKNOWLEDGED", "600", "500")) +
                 "," + row(4, "studies", "normal", "OPENED", state("OPENED", "null", "500")) + "," +
                 row(5, "crisis", "urgent", "RESOLVED", state("RESOLVED", "600", "500")) + "," +
                 row(6, "crisis", "urgent", "OPENED", state("OPENED", "null", "null")) + "," +
                 row(8, "crisis", "urgent", "NEW", "''"))
          .is_ok());
  REQUIRE(migrate(**conn, 16).is_ok());
  auto& q = (*conn)->prepare(
      "SELECT group_concat(id || ':' || IFNULL(sla_due_at, '-'), ' ') FROM "
      "(SELECT id, sla_due_at FROM tickets ORDER BY id)");
  REQUIRE(q.step());
  // 1 and 2 (urgent) are due at once; acknowledged, normal, resolved, never escalated and
  // unrouted rows (migration 14's) are left alone.
  CHECK(q.column_text(0) == "1:1001 2:1002 3:- 4:- 5:- 6:- 8:-");
  q.reset();
}

TEST_CASE("migration 18 makes every open ticket without a deadline due, and no others", "[store]") {
  temp_db db;
  auto row = [](int id, const char* status, const char* state, const char* due) {
    return "(" + std::to_string(id) + ", 'varia', 7, 'life', 'normal', '" + status + "', " + state +
           ", " + due + ", 100, " + std::to_string(1000 + id) + ")";
  };
  auto [store, conn] = upgrade_from(
      db, 17,
      "INSERT INTO institutions VALUES ('varia', 'Varia', 'FI', 'Europe/Helsinki');"
      "INSERT INTO students (id, institution_id, student_ref, phone, created_at, updated_at) "
      "VALUES (7, 'varia', 's1', '+358401234567', 1, 1);"
      "INSERT INTO tickets (id, institution_id, student_id, category, urgency, status, state, "
      "sla_due_at, created_at, updated_at) VALUES " +
          // escalated once, never acknowledged; acknowledged, never resolved
          row(1, "OPENED", R"('{"status":"OPENED","escalated_at":500}')", "NULL") + "," +
          row(2, "ACKNOWLEDGED", R"('{"status":"ACKNOWLEDGED","acknowledged_at":600}')", "NULL") +
          "," +
          // resolved and followed up; a deadline already set; unrouted (migration 14's)
          row(3, "RESOLVED", R"('{"status":"RESOLVED"}')", "NULL") + "," +
          row(4, "OPENED", R"('{"status":"OPENED"}')", "5000") + "," + row(5, "NEW", "''", "NULL"));
  auto& q = conn->prepare(
      "SELECT group_concat(id || ':' || IFNULL(sla_due_at, '-'), ' ') FROM "
      "(SELECT id, sla_due_at FROM tickets ORDER BY id)");
  REQUIRE(q.step());
  CHECK(q.column_text(0) == "1:1001 2:1002 3:- 4:5000 5:-");
  q.reset();
}

TEST_CASE("migration 20 lists the numbers of students opted out before, for every row holding them",
          "[store]") {
  temp_db db;
  auto [store, conn] = upgrade_from(
      db, 19,
      "INSERT INTO institutions VALUES ('varia', 'Varia', 'FI', 'Europe/Helsinki');"
      "INSERT INTO institutions VALUES ('omnia', 'Omnia', 'FI', 'Europe/Helsinki');"
      "INSERT INTO students (id, institution_id, student_ref, phone, opted_out, created_at, "
      "updated_at) VALUES "
      "(1, 'varia', 's1', '+358401234567', 1, 1, 50), "
      "(2, 'omnia', 'o1', '+358401234567', 0, 1, 1), "
      "(3, 'varia', 's2', '+358405550002', 0, 1, 1), "
      "(4, 'varia', 's3', 'moving:4', 1, 1, 1)");
  auto& q = conn->prepare(
      "SELECT group_concat(number || ':' || at, ' ') FROM (SELECT * FROM opted_out_numbers "
      "ORDER BY number)");
  REQUIRE(q.step());
  CHECK(q.column_text(0) == "+358401234567:50");  // no placeholder of an import
  q.reset();
  auto& r = conn->prepare(
      "SELECT group_concat(id || ':' || opted_out, ' ') FROM (SELECT * FROM students ORDER BY id)");
  REQUIRE(r.step());
  CHECK(r.column_text(0) == "1:1 2:1 3:0 4:1");
  r.reset();
}

TEST_CASE("STOP is kept per number: a row given a listed number is opted out, START ends it",
          "[store]") {
  temp_db db;
  auto store = open_with_institution(db);
  REQUIRE(store->upsert_institution("omnia", "Omnia", "FI", "Europe/Helsinki").is_ok());
  const auto s1 = one_student(*store);
  auto opted_out = [&](const std::string& ref, const std::string& inst = "varia") {
    auto& q = store->db().prepare(
        "SELECT opted_out FROM students WHERE institution_id = ?1 AND student_ref = ?2");
    q.bind(1, inst).bind(2, ref);
    REQUIRE(q.step());
    const bool out = q.column_int(0) != 0;
    q.reset();
    return out;
  };
  // STOP from s1: the number is listed, and a row of another institution holding it opted out.
  auto other = student("o1", "+358401234567");
  other.institution_id = "omnia";
  REQUIRE(store->upsert_students({other}, t0));
  REQUIRE(store->set_contact_state(s1, true, std::nullopt, t0).is_ok());
  CHECK(store->number_opted_out("+358401234567"));
  CHECK(opted_out("o1", "omnia"));
  // A stored row whose number changes to it is opted out; a row keeping its own number is not.
  REQUIRE(
      store->upsert_students({student("s2", "+358405550002"), student("s3", "+358406660003")}, t0));
  REQUIRE_FALSE(opted_out("s3"));
  REQUIRE(store->upsert_students({student("s1", "+358409990001"), student("s3", "+358401234567"),
                                  student("s2", "+358405550002")},
                                 t0));
  CHECK(opted_out("s3"));
  CHECK_FALSE(opted_out("s2"));
  CHECK(opted_out("s1"));  // the student who sent it keeps theirs under a new number
  // A PAUSE of a row not opted out leaves the list alone.
  const auto s2 = store->find_student_by_phone("+358405550002")->id;
  REQUIRE(store->set_contact_state(s2, false, t0 + std::chrono::hours(1), t0).is_ok());
  CHECK(store->number_opted_out("+358401234567"));
  // START from the number (s3's now): every row holding it, and the list.
  auto& q = store->db().prepare(
      "SELECT id FROM students WHERE institution_id = 'varia' AND student_ref = 's3'");
  REQUIRE(q.step());
  const auto s3 = q.column_int(0);
  q.reset();
  REQUIRE(store->set_contact_state(s3, false, std::nullopt, t0).is_ok());
  CHECK_FALSE(store->number_opted_out("+358401234567"));
  CHECK_FALSE(opted_out("s3"));
  CHECK_FALSE(opted_out("o1", "omnia"));
  CHECK(opted_out("s1"));
  // A STOP from a number no student has, then a row given it.
  REQUIRE(store->set_number_opted_out("+358407770007", true, t0).is_ok());
  REQUIRE(store->upsert_students({student("s4", "+358407770007")}, t0));
  CHECK(opted_out("s4"));
  REQUIRE(store->set_number_opted_out("+358407770007", false, t0).is_ok());
  CHECK_FALSE(opted_out("s4"));
}

TEST_CASE("migration 15 keeps every staff member stored before active", "[store]") {
  temp_db db;
  auto [store, conn] =
      upgrade_from(db, 14,
                   "INSERT INTO institutions VALUES ('varia', 'Varia', 'FI', 'Europe/Helsinki');"
                   "INSERT INTO staff (institution_id, email, roles) VALUES "
                   "('varia', 'anna@varia.test', 'teacher'), ('varia', 'bo@varia.test', 'nurse')");
  auto& q = conn->prepare("SELECT group_concat(email || ':' || active, ' ') FROM staff");
  REQUIRE(q.step());
  CHECK(q.column_text(0) == "anna@varia.test:1 bo@varia.test:1");
  q.reset();
  auto staff = store->list_staff("varia");
  REQUIRE(staff.size() == 2);
  CHECK(staff[0].active);
  CHECK(staff[1].active);
  REQUIRE(store->deactivate_staff("varia", {"bo@varia.test"}, t0));
  CHECK_FALSE(store->list_staff("varia")[1].active);
}

TEST_CASE("inbound messages are deduplicated on the gateway's id", "[store]") {
  temp_db db;
  auto store = open_with_institution(db);
  REQUIRE(store->insert_inbound(std::nullopt, "kannel", "uuid-1", "2", t0));
  auto dup = store->insert_inbound(std::nullopt, "kannel", "uuid-1", "2", t0);
  REQUIRE_FALSE(dup);
  CHECK(dup.error().error_code() == core::status::code::already_exists);
  CHECK(store->insert_inbound(std::nullopt, "twilio", "uuid-1", "2", t0));
  CHECK(store->insert_inbound(std::nullopt, "kannel", "", "no id", t0));
  CHECK(store->insert_inbound(std::nullopt, "kannel", "", "no id", t0));
}

TEST_CASE("outbound SMS move through their states with history, by priority", "[store]") {
  temp_db db;
  auto store = open_with_institution(db);
  auto sid = one_student(*store);
  auto bulk = store->enqueue_sms(sid, "console", "check-in", 2, "question", t0, t0);
  auto reply = store->enqueue_sms(sid, "console", "answer", 1, "reply", t0, t0);
  auto later = store->enqueue_sms(sid, "console", "later", 0, "reply", t0 + std::chrono::hours(1), t0);
  REQUIRE(bulk);
  REQUIRE(reply);
  REQUIRE(later);
  auto claimed = store->claim_sms(10, t0).value();
  REQUIRE(claimed.size() == 2);
  CHECK(claimed[0].id == *reply);
  CHECK(claimed[0].to == "+358401234567");
  CHECK(claimed[1].id == *bulk);
  CHECK(store->claim_sms(10, t0)->empty());
  CHECK(store->message_status(*bulk) == "sending");
  REQUIRE(store->set_message_status(*reply, "sent", "", t0).is_ok());
  auto requeued = store->requeue_in_flight(t0);
  REQUIRE(requeued);
  CHECK(*requeued == 1);
  CHECK(store->message_status(*bulk) == "queued");
  CHECK(store->message_status(*reply) == "sent");
  CHECK(store->set_message_status(999, "sent", "", t0).error_code() == core::status::code::not_found);
  CHECK(store->outbox_depth() == 2);
}

// Two queued replies, "a" and "b", to one student.
std::pair<std::int64_t, std::int64_t> two_replies(sqlite_store& store) {
  auto sid = one_student(store);
  auto a = store.enqueue_sms(sid, "console", "a", 1, "reply", t0, t0);
  auto b = store.enqueue_sms(sid, "console", "b", 1, "reply", t0, t0);
  REQUIRE(a);
  REQUIRE(b);
  return {*a, *b};
}

TEST_CASE("a send's answer moves a message on only while it is sending", "[store]") {
  temp_db db;
  auto store = open_with_institution(db);
  auto [a, b] = two_replies(*store);
  REQUIRE(store->claim_sms(10, t0)->size() == 2);
  auto history = [&](std::int64_t id) {
    auto& q = store->db().prepare("SELECT group_concat(status, ',') FROM message_status WHERE message_id = ?1");
    q.bind(1, id);
    std::string out = q.step() ? q.column_text(0) : "";
    q.reset();
    return out;
  };
  // a: the answer arrives first.
  auto applied = store->mark_sent({{a, ""}}, t0);
  REQUIRE(applied);
  CHECK(*applied == 1);
  CHECK(store->message_status(a) == "sent");
  CHECK(history(a) == "queued,sending,sent");
  // b: its delivery report overtook the answer; the answer changes nothing.
  REQUIRE(store->set_message_status(b, "delivered", "", t0).is_ok());
  applied = store->mark_sent({{b, ""}}, t0);
  REQUIRE(applied);
  CHECK(*applied == 0);
  CHECK(store->message_status(b) == "delivered");
  CHECK(history(b) == "queued,sending,delivered");
}

TEST_CASE(
    "a retry or failure outcome moves a message on only while it is sending, so a "
    "delivery report that overtook a timed-out answer is kept",
    "[store]") {
  temp_db db;
  auto store = open_with_institution(db);
  auto [a, b] = two_replies(*store);
  REQUIRE(store->claim_sms(10, t0)->size() == 2);
  auto history = [&](std::int64_t id) {
    auto& q = store->db().prepare(
        "SELECT group_concat(status, ',') FROM message_status WHERE message_id = ?1");
    q.bind(1, id);
    std::string out = q.step() ? q.column_text(0) : "";
    q.reset();
    return out;
  };
  const auto retry_at = t0 + std::chrono::minutes(1);
  // a: the gateway accepted, the answer timed out, and the delivery report came first.
  REQUIRE(store->set_message_status(a, "delivered", "", t0).is_ok());
  auto applied = store->set_send_outcome(a, "queued", "timed out after 15000 ms", t0, retry_at);
  REQUIRE(applied);
  CHECK_FALSE(*applied);
  CHECK(store->message_status(a) == "delivered");
  CHECK(history(a) == "queued,sending,delivered");
  CHECK(store->claim_sms(10, retry_at)->empty());  // not sent again
  applied = store->set_send_outcome(a, "failed", "http 400", t0, std::nullopt);
  REQUIRE(applied);
  CHECK_FALSE(*applied);
  CHECK(store->message_status(a) == "delivered");
  // b: still sending: the retry is stored with its backoff.
  applied = store->set_send_outcome(b, "queued", "http 429", t0, retry_at);
  REQUIRE(applied);
  CHECK(*applied);
  CHECK(store->message_status(b) == "queued");
  CHECK(history(b) == "queued,sending,queued");
  CHECK(store->claim_sms(10, t0)->empty());  // its backoff holds
  CHECK(store->claim_sms(10, retry_at)->size() == 1);
}

TEST_CASE("accepted sends are marked sent at once, each with its own answer", "[store]") {
  temp_db db;
  auto store = open_with_institution(db);
  auto [a, b] = two_replies(*store);
  auto sid = store->find_student_by_phone("+358401234567")->id;
  auto c = store->enqueue_sms(sid, "console", "c", 1, "reply", t0, t0);
  REQUIRE(c);
  REQUIRE(store->claim_sms(10, t0)->size() == 3);
  // b's delivery report overtook its answer.
  REQUIRE(store->set_message_status(b, "delivered", "", t0).is_ok());
  CHECK(store->mark_sent({}, t0).value() == 0);
  auto marked = store->mark_sent({{*c, "0: Accepted \"x\" \xc3\xa4"}, {a, "0: ok"}, {b, "0: late"}},
                                 t0 + std::chrono::seconds(1));
  REQUIRE(marked);
  CHECK(*marked == 2);
  CHECK(store->message_status(a) == "sent");
  CHECK(store->message_status(*c) == "sent");
  CHECK(store->message_status(b) == "delivered");
  // Each history row keeps its own answer's text.
  auto sent_rows = [&] {
    auto& q = store->db().prepare("SELECT group_concat(message_id || '=' || detail || '@' || at, ' | ') FROM "
                                  "(SELECT * FROM message_status WHERE status = 'sent' ORDER BY message_id)");
    std::string out = q.step() ? q.column_text(0) : "";
    q.reset();
    return out;
  };
  const auto at = std::to_string(core::to_unix_ms(t0 + std::chrono::seconds(1)));
  const std::string expected = std::to_string(a) + "=0: ok@" + at + " | " + std::to_string(*c) +
                               "=0: Accepted \"x\" \xc3\xa4@" + at;
  CHECK(sent_rows() == expected);
  // Marked again (an answer stored twice): nothing moves, nothing is added.
  CHECK(store->mark_sent({{a, "0: ok"}}, t0).value() == 0);
  CHECK(sent_rows() == expected);
}

TEST_CASE("many accepted sends, alike and each with an answer of its own, all keep their answer",
          "[store]") {
  temp_db db;
  auto store = open_with_institution(db);
  auto sid = one_student(*store);
  std::vector<std::pair<std::int64_t, std::string>> accepted;
  for (int i = 0; i < 30; ++i) {
    auto id = store->enqueue_sms(sid, "console", "m" + std::to_string(i), 1, "reply", t0, t0);
    REQUIRE(id);
    // Every third answer alike; the others name their own message (as Twilio's SID would).
    accepted.emplace_back(*id, i % 3 == 0 ? std::string("0: Accepted for delivery") : "id-" + std::to_string(i));
  }
  REQUIRE(store->claim_sms(100, t0)->size() == 30);
  CHECK(store->mark_sent(accepted, t0).value() == 30);
  for (const auto& [id, detail] : accepted) {
    auto& q = store->db().prepare(
        "SELECT group_concat(status || ':' || detail, ',') FROM message_status WHERE message_id = ?1");
    q.bind(1, id);
    REQUIRE(q.step());
    CHECK(q.column_text(0) == "queued:,sending:,sent:" + detail);
    q.reset();
    CHECK(store->message_status(id) == "sent");
  }
}

TEST_CASE("a claim takes the first messages in queue order and records exactly those",
          "[store]") {
  temp_db db;
  auto store = open_with_institution(db);
  auto sid = one_student(*store);
  // Bulk (2) queued first, then a reply (1) and a crisis message (0): priority decides.
  auto bulk = store->enqueue_sms(sid, "console", "bulk", 2, "checkin", t0, t0);
  auto reply = store->enqueue_sms(sid, "console", "reply", 1, "reply", t0, t0);
  auto crisis = store->enqueue_sms(sid, "console", "crisis", 0, "crisis", t0, t0);
  auto later = store->enqueue_sms(sid, "console", "later", 0, "crisis", t0 + std::chrono::hours(1), t0);
  REQUIRE((bulk && reply && crisis && later));
  auto claimed = store->claim_sms(2, t0).value();
  REQUIRE(claimed.size() == 2);
  CHECK(claimed[0].id == *crisis);
  CHECK(claimed[1].id == *reply);
  CHECK(claimed[0].attempts == 1);
  auto row = [&](std::int64_t id) {
    auto& q = store->db().prepare(
        "SELECT m.status || ':' || m.attempts || ':' || (SELECT group_concat(status, ',') FROM "
        "message_status WHERE message_id = m.id) FROM messages m WHERE m.id = ?1");
    q.bind(1, id);
    std::string out = q.step() ? q.column_text(0) : "";
    q.reset();
    return out;
  };
  CHECK(row(*crisis) == "sending:1:queued,sending");
  CHECK(row(*reply) == "sending:1:queued,sending");
  CHECK(row(*bulk) == "queued:0:queued");
  CHECK(row(*later) == "queued:0:queued");  // not due yet
  auto next = store->claim_sms(5, t0).value();
  REQUIRE(next.size() == 1);
  CHECK(next[0].id == *bulk);
  CHECK(row(*bulk) == "sending:1:queued,sending");
  CHECK(row(*later) == "queued:0:queued");
}

TEST_CASE("a claim withholds what tuki starts for a student who opted out or paused since",
          "[store]") {
  temp_db db;
  auto store = open_with_institution(db);
  REQUIRE(store->upsert_students({student("s1", "+358401234567"), student("s2", "+358401234568"),
                                  student("s3", "+358401234569")},
                                 t0));
  const auto out_id = store->find_student_by_phone("+358401234567")->id;
  const auto paused_id = store->find_student_by_phone("+358401234568")->id;
  const auto other_id = store->find_student_by_phone("+358401234569")->id;
  auto opening = store->enqueue_sms(out_id, "console", "how are you?", 2, "question", t0, t0);
  auto confirm = store->enqueue_sms(out_id, "console", "stopped", 1, "keyword", t0, t0);
  auto helpline =
      store->enqueue_sms(out_id, "console", "call 116 111", 0, "crisis_helpline", t0, t0);
  auto reminder = store->enqueue_sms(paused_id, "console", "still there?", 2, "reminder", t0, t0);
  // A "seen" SMS that waited for the morning: STOP since ends it, a pause does not.
  auto seen = store->enqueue_sms(out_id, "console", "seen", 1, "ticket_seen", t0, t0);
  auto seen_paused = store->enqueue_sms(paused_id, "console", "seen", 1, "ticket_seen", t0, t0);
  auto others = store->enqueue_sms(other_id, "console", "how are you?", 2, "question", t0, t0);
  auto unregistered =
      store->enqueue_sms_to_phone("+358409999999", "console", "call", 2, "crisis_helpline", t0, t0);
  REQUIRE((opening && confirm && helpline && reminder && seen && seen_paused && others &&
           unregistered));
  // After they were queued: s1 sends STOP, s2 pauses for a week.
  REQUIRE(store->set_contact_state(out_id, true, std::nullopt, t0));
  REQUIRE(store->set_contact_state(paused_id, false, t0 + std::chrono::days(7), t0));

  auto c = store->claim_sms_batch(10, t0 + std::chrono::seconds(1));
  REQUIRE(c);
  CHECK(c->withheld == 3);
  std::vector<std::int64_t> sent;
  for (const auto& m : c->sms) sent.push_back(m.id);
  CHECK(sent ==
        std::vector<std::int64_t>{*helpline, *confirm, *seen_paused, *others, *unregistered});
  CHECK(store->message_status(*opening) == "withheld");
  CHECK(store->message_status(*reminder) == "withheld");
  CHECK(store->message_status(*seen) == "withheld");
  auto& h = store->db().prepare(
      "SELECT group_concat(status || ':' || detail, ',') FROM message_status WHERE message_id = "
      "?1");
  h.bind(1, *opening);
  REQUIRE(h.step());
  CHECK(h.column_text(0) == "queued:,withheld:the student opted out or paused");
  h.reset();
  // Withheld is final: nothing is claimed again, and the outbox depth no longer counts them.
  CHECK(store->claim_sms(10, t0 + std::chrono::days(8))->empty());
  CHECK(store->sms_outbox_depth() == 5);  // the five claimed, still sending
}

TEST_CASE("a pause that has ended withholds nothing", "[store]") {
  temp_db db;
  auto store = open_with_institution(db);
  auto sid = one_student(*store);
  REQUIRE(store->set_contact_state(sid, false, t0 + std::chrono::hours(1), t0));
  auto opening = store->enqueue_sms(sid, "console", "how are you?", 2, "question",
                                    t0 + std::chrono::hours(2), t0);
  REQUIRE(opening);
  auto c = store->claim_sms_batch(10, t0 + std::chrono::hours(2));
  REQUIRE(c);
  CHECK(c->withheld == 0);
  REQUIRE(c->sms.size() == 1);
  CHECK(c->sms[0].id == *opening);
}

TEST_CASE("a claim that cannot record its history fails, and its rollback claims nothing",
          "[store]") {
  temp_db db;
  auto store = open_with_institution(db);
  auto [a, b] = two_replies(*store);
  // The history insert fails as a full disk would (a trigger stands in for it).
  REQUIRE(store->db()
              .exec("CREATE TEMP TRIGGER no_room BEFORE INSERT ON message_status "
                    "WHEN NEW.status = 'sending' BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END")
              .is_ok());
  REQUIRE(store->begin().is_ok());
  auto claimed = store->claim_sms(10, t0);
  REQUIRE_FALSE(claimed);
  CHECK_THAT(claimed.error().message(), Catch::Contains("full"));
  store->rollback();
  CHECK(store->message_status(a) == "queued");
  CHECK(store->message_status(b) == "queued");
  // With room again the same messages are claimed once each.
  REQUIRE(store->db().exec("DROP TRIGGER no_room").is_ok());
  auto again = store->claim_sms(10, t0);
  REQUIRE(again);
  REQUIRE(again->size() == 2);
  CHECK((*again)[0].attempts == 1);
  CHECK(store->message_status(a) == "sending");
}

TEST_CASE("a claimed message never sent goes back to the queue with its attempt taken back", "[store]") {
  temp_db db;
  auto store = open_with_institution(db);
  auto [a, b] = two_replies(*store);
  auto attempts = [&](std::int64_t id) {
    auto& q = store->db().prepare("SELECT attempts FROM messages WHERE id = ?1");
    q.bind(1, id);
    auto n = q.step() ? q.column_int(0) : -1;
    q.reset();
    return n;
  };
  auto first = store->claim_sms(10, t0).value();
  REQUIRE(first.size() == 2);
  CHECK(first[0].attempts == 1);
  CHECK(attempts(a) == 1);
  REQUIRE(store->set_message_status(b, "delivered", "", t0).is_ok());  // b moved on meanwhile

  auto back = store->unclaim_sms(a, "not sent before stop", t0);
  REQUIRE(back);
  CHECK(*back);
  CHECK(store->message_status(a) == "queued");
  CHECK(attempts(a) == 0);
  auto untouched = store->unclaim_sms(b, "not sent before stop", t0);
  REQUIRE(untouched);
  CHECK_FALSE(*untouched);  // no longer sending: nothing written
  CHECK(store->message_status(b) == "delivered");

  // Claimed again, it counts as its first attempt, not its second.
  auto again = store->claim_sms(10, t0).value();
  REQUIRE(again.size() == 1);
  CHECK(again[0].id == a);
  CHECK(again[0].attempts == 1);
  auto& h = store->db().prepare("SELECT group_concat(status || ':' || detail, ',') FROM message_status WHERE message_id = ?1");
  h.bind(1, a);
  REQUIRE(h.step());
  CHECK(h.column_text(0) == "queued:,sending:,queued:not sent before stop,sending:");
  h.reset();
}

TEST_CASE("mail jobs are claimed crisis first, and a job put back untried keeps its attempts",
          "[store]") {
  temp_db db;
  auto store = open_with_institution(db);
  using std::chrono::seconds;
  auto normal_old = store->enqueue_job("mail", "{}", t0 - seconds(60), t0 - seconds(60));
  auto crisis_new =
      store->enqueue_job("mail", "{}", t0 - seconds(1), t0 - seconds(1), job_priority::crisis);
  auto normal_new = store->enqueue_job("mail", "{}", t0, t0);
  auto crisis_later = store->enqueue_job("mail", "{}", t0 + seconds(30), t0, job_priority::crisis);
  auto hook = store->enqueue_job("webhook", "{}", t0, t0, job_priority::crisis);
  REQUIRE((normal_old && crisis_new && normal_new && crisis_later && hook));
  auto jobs = store->claim_jobs("mail", 2, t0);
  REQUIRE(jobs.size() == 2);
  CHECK(jobs[0].id == *crisis_new);  // before an older normal job
  CHECK(jobs[0].priority == job_priority::crisis);
  CHECK(jobs[0].attempts == 1);
  CHECK(jobs[1].id == *normal_old);
  CHECK(jobs[1].priority == job_priority::normal);

  // The second was not tried (the server went down): back in the queue with no attempt spent.
  REQUIRE(store->release_job(jobs[1].id));
  REQUIRE(store->retry_job(jobs[0].id, "mail server: down", t0 + seconds(30)));
  jobs = store->claim_jobs("mail", 10, t0 + seconds(30));
  REQUIRE(jobs.size() == 4);
  CHECK(jobs[0].id == *crisis_new);
  CHECK(jobs[0].attempts == 2);
  CHECK(jobs[1].id == *crisis_later);
  CHECK(jobs[2].id == *normal_old);
  CHECK(jobs[2].attempts == 1);
  CHECK(jobs[3].id == *normal_new);
  // A job no longer running (finished meanwhile) is left alone.
  CHECK(store->job_running(jobs[3].id).value());
  REQUIRE(store->finish_job(jobs[3].id));
  CHECK_FALSE(store->job_running(jobs[3].id).value());
  REQUIRE(store->release_job(jobs[3].id));
  CHECK(store->claim_jobs("mail", 10, t0 + seconds(60)).empty());
  CHECK(store->job_running(jobs[0].id).value());
  REQUIRE(store->retry_job(jobs[0].id, "down", t0 + seconds(90)));
  CHECK_FALSE(store->job_running(jobs[0].id).value());  // queued again: its outcome is stored
  CHECK_FALSE(store->job_running(*hook + 1000).value());
}

TEST_CASE("jobs left running by a crash are queued again with the claim's attempt taken back",
          "[store]") {
  temp_db db;
  using std::chrono::seconds;
  std::int64_t first = 0, retried = 0, done = 0, waiting = 0;
  {
    auto store = open_with_institution(db);
    auto a = store->enqueue_job("webhook", "{}", t0, t0);
    auto b = store->enqueue_job("webhook", "{}", t0, t0, job_priority::crisis);
    auto c = store->enqueue_job("mail", "{}", t0, t0);
    auto d = store->enqueue_job("webhook", "{}", t0 + seconds(60), t0);  // not due: never claimed
    REQUIRE((a && b && c && d));
    first = *a, retried = *b, done = *c, waiting = *d;
    // b failed once and is being tried again; a is on its first attempt; c finished.
    REQUIRE(store->claim_jobs("webhook", 10, t0).size() == 2);
    REQUIRE(store->retry_job(retried, "webhook answered HTTP 503", t0 + seconds(30)));
    REQUIRE(store->claim_jobs("webhook", 10, t0 + seconds(30)).size() == 1);
    REQUIRE(store->claim_jobs("mail", 10, t0).size() == 1);
    REQUIRE(store->finish_job(done));
  }  // the process dies with a and b `running`

  auto store = open_with_institution(db);
  auto n = store->requeue_running_jobs();
  REQUIRE(n);
  CHECK(n->requeued == 2);
  CHECK(n->failed.empty());
  auto attempts = [&](std::int64_t id) {
    auto& q = store->db().prepare("SELECT attempts FROM outbox WHERE id = ?1");
    return q.bind(1, id).first_int().value_or(-1);  // -1: no such job
  };
  CHECK(attempts(first) == 0);    // as if never tried
  CHECK(attempts(retried) == 1);  // its failed attempt stays counted
  CHECK(attempts(done) == 1);     // not running: left alone
  CHECK(attempts(waiting) == 0);
  const auto jobs = store->claim_jobs("webhook", 10, t0 + seconds(30));
  REQUIRE(jobs.size() == 2);
  CHECK(jobs[0].id == retried);  // crisis first
  CHECK(jobs[0].attempts == 2);
  CHECK(jobs[1].id == first);
  CHECK(jobs[1].attempts == 1);
  CHECK(store->requeue_running_jobs().value().requeued == 2);
  CHECK(attempts(first) == 0);  // each restart gives the attempt back
}

TEST_CASE("a job found running at three start-ups in a row is failed, not run again",
          "[store][outbox]") {
  temp_db db;
  auto store = open_with_institution(db);
  using std::chrono::seconds;
  auto poison = store->enqueue_job("webhook", "{}", t0, t0);
  auto other = store->enqueue_job("mail", "{}", t0, t0);
  REQUIRE((poison && other));
  auto status = [&](std::int64_t id) {
    return store->db().prepare("SELECT status FROM outbox WHERE id = ?1").bind(1, id).first_text();
  };
  // The webhook's post stops the process each time; the mail job's run once ends normally
  // (its post failed and was put back for later) between two crashes.
  for (int start = 1; start <= 3; ++start) {
    REQUIRE(store->claim_jobs("webhook", 10, t0).size() == 1);
    REQUIRE(store->claim_jobs("mail", 10, t0).size() == 1);
    if (start == 2) REQUIRE(store->retry_job(*other, "mail server answered 451", t0).is_ok());
    auto r = store->requeue_running_jobs();  // the next start-up
    REQUIRE(r);
    if (start < 3) {
      CHECK(r->failed.empty());
      CHECK(status(*poison) == "queued");
      continue;
    }
    REQUIRE(r->failed.size() == 1);
    CHECK(r->failed[0].first == *poison);
    CHECK(r->failed[0].second == "webhook");
    CHECK(r->requeued == 1);  // the mail job: interrupted once since its run that ended normally
  }
  CHECK(status(*poison) == "failed");
  CHECK(store->db()
            .prepare("SELECT last_error FROM outbox WHERE id = ?1")
            .bind(1, *poison)
            .first_text() == "stopped the process: found running at 3 start-ups in a row");
  CHECK(status(*other) == "queued");
  CHECK(store->claim_jobs("webhook", 10, t0 + seconds(60)).empty());  // never run again
}

TEST_CASE("resume_jobs makes waiting mail retries due, not new jobs, refusals or webhooks",
          "[store][mail]") {
  temp_db db;
  auto store = open_with_institution(db);
  using std::chrono::minutes;
  auto retry = store->enqueue_job("mail", "{}", t0, t0);
  auto refused = store->enqueue_job("mail", "{}", t0, t0);
  auto planned = store->enqueue_job("mail", "{}", t0 + minutes(10), t0);  // never tried yet
  auto hook = store->enqueue_job("webhook", "{}", t0, t0);
  REQUIRE((retry && refused && planned && hook));
  REQUIRE(store->claim_jobs("mail", 10, t0).size() == 2);
  REQUIRE(store->claim_jobs("webhook", 10, t0).size() == 1);
  REQUIRE(store->retry_job(*retry, "mail server: down", t0 + minutes(40)));
  REQUIRE(store->retry_job(*refused, "refused: mail refused: 550", t0 + minutes(60)));
  REQUIRE(store->retry_job(*hook, "webhook answered HTTP 503", t0 + minutes(40)));

  auto resumed = store->resume_jobs("mail", t0 + minutes(1), "refused: ");
  REQUIRE(resumed);
  CHECK(*resumed == 1);
  auto due = store->claim_jobs("mail", 10, t0 + minutes(1));
  REQUIRE(due.size() == 1);
  CHECK(due[0].id == *retry);
  CHECK(store->claim_jobs("webhook", 10, t0 + minutes(1)).empty());
  // Without an exception the refused one is resumed too.
  REQUIRE(store->resume_jobs("mail", t0 + minutes(2)));
  due = store->claim_jobs("mail", 10, t0 + minutes(2));
  REQUIRE(due.size() == 1);
  CHECK(due[0].id == *refused);
}

TEST_CASE("migration 13 gives pending mail and webhook jobs of a crisis their priority",
          "[store]") {
  temp_db db;
  auto [store, conn] = upgrade_from(
      db, 12,
      "INSERT INTO institutions VALUES ('varia', 'Varia', 'FI', 'Europe/Helsinki');"
      "INSERT INTO students (id, institution_id, student_ref, phone, created_at, updated_at) "
      "VALUES (7, 'varia', 's1', '+358401234567', 1, 1);"
      "INSERT INTO tickets (id, institution_id, student_id, category, urgency, status, role, "
      "assignee, created_at, updated_at) VALUES "
      "(1, 'varia', 7, 'crisis', 'urgent', 'OPENED', 'nurse', '', 1, 1),"
      "(2, 'varia', 7, 'studies', 'normal', 'OPENED', 'teacher', '', 1, 1),"
      "(3, 'varia', 7, 'wellbeing', 'urgent', 'OPENED', 'nurse', '', 1, 1);"
      "INSERT INTO outbox (id, kind, payload, status, due_at, created_at) VALUES "
      "(10, 'mail', '{\"ticket_id\":1}', 'queued', 5, 1),"
      "(11, 'mail', '{\"ticket_id\":2}', 'queued', 1, 1),"
      "(12, 'webhook', '{\"ticket_id\":3}', 'running', 1, 1),"
      "(13, 'mail', '{\"from\":\"tuki@varia.test\"}', 'queued', 6, 1),"
      "(14, 'webhook', '{\"ticket_id\":2}', 'queued', 1, 1),"
      "(15, 'mail', '{\"ticket_id\":1}', 'done', 1, 1),"
      "(16, 'mail', 'not json', 'queued', 1, 1)");
  auto& q = conn->prepare("SELECT group_concat(id || ':' || priority, ' ') FROM outbox");
  REQUIRE(q.step());
  // Crisis: the mail and webhook of tickets 1 and 3, and the mail without a ticket (an
  // unregistered crisis). Done jobs and unreadable ones keep the default.
  CHECK(q.column_text(0) == "10:0 11:1 12:0 13:0 14:1 15:1 16:1");
  q.reset();
  auto jobs = store->claim_jobs("mail", 10, core::from_unix_ms(10));
  REQUIRE(jobs.size() == 4);
  CHECK(jobs[0].id == 10);
  CHECK(jobs[1].id == 13);
  CHECK(jobs[2].id == 11);
  CHECK(jobs[3].id == 16);
}

TEST_CASE("timers fire once when due", "[store]") {
  temp_db db;
  auto store = open_with_institution(db);
  auto sid = one_student(*store);
  REQUIRE(store->add_timer(sid, "wait_timeout", 3, t0 + std::chrono::hours(24)).is_ok());
  CHECK(store->take_due_timers(t0, 10).empty());
  auto due = store->take_due_timers(t0 + std::chrono::hours(25), 10);
  REQUIRE(due.size() == 1);
  CHECK(due[0].token == 3);
  CHECK(store->take_due_timers(t0 + std::chrono::hours(25), 10).empty());
  // A fired timer leaves no row behind: the table holds only timers still to fire.
  auto& q = store->db().prepare("SELECT COUNT(*) FROM timers");
  REQUIRE(q.step());
  CHECK(q.column_int(0) == 0);
  q.reset();
}

namespace {

// Open tickets per assignee counted from the tickets themselves: what ticket_load must hold.
std::map<std::string, int> counted_open_tickets(sqlite_connection& db,
                                                const std::string& institution) {
  auto& q = db.prepare(
      "SELECT assignee, COUNT(*) FROM tickets WHERE institution_id = ?1 AND status <> 'RESOLVED' "
      "AND assignee <> '' GROUP BY assignee");
  q.bind(1, institution);
  std::map<std::string, int> out;
  while (q.step()) out[q.column_text(0)] = static_cast<int>(q.column_int(1));
  q.reset();
  return out;
}

}  // namespace

TEST_CASE("open ticket counts follow every kind of write to tickets", "[store]") {
  temp_db db;
  auto store = open_with_institution(db);
  REQUIRE(store->upsert_institution("omnia", "Omnia", "FI", "Europe/Helsinki").is_ok());
  auto sid = one_student(*store);
  auto conn = sqlite_connection::open(db.path.string());
  REQUIRE(conn);
  const std::vector<std::string> institutions{"varia", "omnia"};
  const std::vector<std::string> statuses{"NEW", "OPENED", "WAITING", "RESOLVED"};
  const std::vector<std::string> assignees{"", "aino@varia.test", "eero@varia.test",
                                           "kaisa@omnia.test"};
  std::mt19937 rng(20261206);
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  std::vector<std::int64_t> ids;
  for (int step = 0; step < 400; ++step) {
    CAPTURE(step);
    const unsigned op = ids.empty() ? 0 : rng() % 6;
    const std::int64_t id = ids.empty() ? 0 : ids[rng() % ids.size()];
    if (op <= 1) {  // a new ticket, open or (imported) resolved, assigned or not
      ticket_row t;
      t.institution_id = pick(institutions);
      t.student_id = sid;
      t.category = "wellbeing";
      t.urgency = "normal";
      t.status = pick(statuses);
      t.assignee = pick(assignees);
      auto opened = store->open_ticket(t, t0);
      REQUIRE(opened);
      ids.push_back(*opened);
    } else if (op == 2) {  // reassigned, resolved or reopened
      REQUIRE(store->update_ticket(id, pick(statuses), "study_counsellor", pick(assignees), t0)
                  .is_ok());
    } else if (op == 3) {  // the desk's save of a ticket's state
      REQUIRE(store
                  ->save_ticket_state(id, pick(statuses), "nurse", pick(assignees), "{}",
                                      std::nullopt, t0)
                  .is_ok());
    } else if (op ==
               4) {  // moved to the other institution (no code path does; the counts must hold)
      REQUIRE((*conn)
                  ->exec("UPDATE tickets SET institution_id = '" + pick(institutions) +
                         "' WHERE id = " + std::to_string(id))
                  .is_ok());
    } else {  // erased (later privacy tooling), its events first
      REQUIRE((*conn)
                  ->exec("DELETE FROM ticket_events WHERE ticket_id = " + std::to_string(id) +
                         "; DELETE FROM tickets WHERE id = " + std::to_string(id))
                  .is_ok());
      ids.erase(std::find(ids.begin(), ids.end(), id));
    }
    for (const auto& inst : institutions) {
      CAPTURE(inst);
      REQUIRE(store->open_ticket_counts(inst) == counted_open_tickets(**conn, inst));
    }
  }
  // The walk reached every kind of state: open tickets left in both institutions.
  CHECK(!counted_open_tickets(**conn, "varia").empty());
  CHECK(!counted_open_tickets(**conn, "omnia").empty());
}

TEST_CASE("migration 14 makes the tickets nobody could take due, and no others", "[store]") {
  temp_db db;
  auto [store, conn] = upgrade_from(
      db, 13,
      "INSERT INTO institutions VALUES ('varia', 'Varia', 'FI', 'Europe/Helsinki');"
      "INSERT INTO students (id, institution_id, student_ref, phone, created_at, updated_at) "
      "VALUES (7, 'varia', 's1', '+358401234567', 1, 1);"
      "INSERT INTO tickets (id, institution_id, student_id, category, urgency, status, state, "
      "sla_due_at, created_at, updated_at) VALUES "
      "(1, 'varia', 7, 'studies', 'normal', 'NEW', '', NULL, 100, 100),"       // unrouted
      "(2, 'varia', 7, 'studies', 'normal', 'OPENED', '{}', NULL, 200, 200),"  // no step left
      "(3, 'varia', 7, 'studies', 'normal', 'OPENED', '{}', 9000, 300, 300),"  // a step at 9000
      "(4, 'varia', 7, 'life', 'normal', 'NEW', '', 5000, 400, 400)");         // already due
  auto& q = conn->prepare(
      "SELECT group_concat(id || ':' || IFNULL(sla_due_at, '-'), ' ') FROM "
      "(SELECT id, sla_due_at FROM tickets ORDER BY id)");
  REQUIRE(q.step());
  CHECK(q.column_text(0) == "1:100 2:- 3:9000 4:5000");
  q.reset();
  CHECK(store->tickets_due(core::from_unix_ms(5000), 10) == std::vector<std::int64_t>{1, 4});
}

TEST_CASE("migration 10 counts the open tickets already stored", "[store]") {
  temp_db db;
  auto [store, conn] = upgrade_from(
      db, 9,
      "INSERT INTO institutions VALUES ('varia', 'Varia', 'FI', 'Europe/Helsinki');"
      "INSERT INTO students (id, institution_id, student_ref, phone, created_at, updated_at) "
      "VALUES (7, 'varia', 's1', '+358401234567', 1, 1);"
      "INSERT INTO tickets (id, institution_id, student_id, category, urgency, status, assignee, "
      "created_at, updated_at) VALUES "
      "(1, 'varia', 7, 'c', 'normal', 'NEW', 'aino@varia.test', 1, 1),"
      "(2, 'varia', 7, 'c', 'normal', 'OPENED', 'aino@varia.test', 1, 1),"
      "(3, 'varia', 7, 'c', 'normal', 'RESOLVED', 'aino@varia.test', 1, 1),"
      "(4, 'varia', 7, 'c', 'normal', 'NEW', 'eero@varia.test', 1, 1),"
      "(5, 'varia', 7, 'c', 'normal', 'NEW', '', 1, 1)");
  using counts = std::map<std::string, int>;
  CHECK(store->open_ticket_counts("varia") ==
        counts{{"aino@varia.test", 2}, {"eero@varia.test", 1}});
  // And from then on the triggers keep them.
  REQUIRE(store->update_ticket(1, "RESOLVED", "nurse", "aino@varia.test", t0).is_ok());
  REQUIRE(store->update_ticket(5, "OPENED", "nurse", "eero@varia.test", t0).is_ok());
  CHECK(store->open_ticket_counts("varia") ==
        counts{{"aino@varia.test", 1}, {"eero@varia.test", 2}});
}

TEST_CASE(
    "an SMS priority other than crisis, reply or bulk is refused, and old ones are brought in",
    "[store]") {
  temp_db db;
  {
    auto store = open_with_institution(db);
    auto sid = one_student(*store);
    for (int bad : {-1, 3, 7}) {
      CAPTURE(bad);
      auto refused = store->enqueue_sms(sid, "kannel", "Hei", bad, "question", t0, t0);
      REQUIRE(!refused);
      CHECK(refused.error().error_code() == core::status::code::invalid_argument);
    }
    CHECK(store->sms_outbox_depth() == 0);
  }
  // A database upgraded from version 11 with a queued message of priority 5 (written by hand:
  // the claim looks for 0-2 only): migration 12 makes it bulk, and it is claimed.
  temp_db old;
  auto [store, conn] = upgrade_from(
      old, 11,
      "INSERT INTO messages (id, direction, status, gateway, body, priority, phone, created_at, "
      "updated_at) VALUES (1, 'out', 'queued', 'kannel', 'a', 5, '+358401234567', 1, 1),"
      "(2, 'out', 'queued', 'kannel', 'b', -2, '+358401234568', 1, 1)");
  auto claimed = store->claim_sms(10, t0).value();
  REQUIRE(claimed.size() == 2);
  CHECK(claimed[0].id == 2);  // -2 became crisis (0), 5 became bulk (2)
  CHECK(claimed[0].priority == 0);
  CHECK(claimed[1].priority == 2);
}
