// Reads that run per reply, per ticket, per scheduler round or per /metrics scrape must find their
// rows through an index, not walk a table that grows with every message, ticket or event: such a
// read costs more each day the service runs. Each case runs one store call, records the SQL it
// executed (SQLite's statement trace) and checks SQLite's plan for it.
#include <functional>
#include <string>
#include <vector>

#include <sqlite3.h>

#include <catch2/catch.hpp>

#include "support/temp_db.hpp"
#include "tuki/adapters/store/sqlite_store.hpp"

using namespace tuki;
using namespace tuki::adapters;

namespace {

using testing::temp_db;

// The SQL of every statement `call` runs on the store's connection.
std::vector<std::string> statements_of(sqlite_store& store, const std::function<void()>& call) {
  std::vector<std::string> seen;
  sqlite3_trace_v2(
      store.db().raw(), SQLITE_TRACE_STMT,
      [](unsigned, void* ctx, void* stmt, void*) -> int {
        static_cast<std::vector<std::string>*>(ctx)->push_back(
            sqlite3_sql(static_cast<sqlite3_stmt*>(stmt)));
        return 0;
      },
      &seen);
  call();
  sqlite3_trace_v2(store.db().raw(), 0, nullptr, nullptr);
  return seen;
}

// SQLite's query plan of `sql`, one detail line per step ("SEARCH tickets USING INDEX ...").
std::vector<std::string> plan_of(sqlite_store& store, const std::string& sql) {
  sqlite3_stmt* q = nullptr;
  REQUIRE(sqlite3_prepare_v2(store.db().raw(), ("EXPLAIN QUERY PLAN " + sql).c_str(), -1, &q,
                             nullptr) == SQLITE_OK);
  std::vector<std::string> out;
  while (sqlite3_step(q) == SQLITE_ROW)
    out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(q, 3)));
  sqlite3_finalize(q);
  return out;
}

struct plan_case {
  const char* what;
  std::function<void(sqlite_store&)> call;
  const char* table;     // the growing table the call reads
  const char* searched;  // what its plan must use to reach the rows
  const char* alias = nullptr;  // the table's name in the SQL, if not its own
  bool may_sort = false;        // a temporary B-tree over the rows found is expected
};

}  // namespace

TEST_CASE("reads on every reply, ticket, round and scrape search an index of a growing table",
          "[store]") {
  temp_db db;
  auto opened = sqlite_store::open(db.path.string());
  REQUIRE(opened);
  auto& store = **opened;
  const std::vector<plan_case> cases{
      {"the student's last followed-up ticket (each follow-up answer)",
       [](sqlite_store& s) { (void)s.last_followed_up_ticket_of(7); }, "tickets",
       "USING INDEX tickets_resolved_by_student", nullptr,
       true},  // sorts only the student's resolved tickets, by their follow-up time
      {"students with new events (each trigger rule, every minute)",
       [](sqlite_store& s) { (void)s.students_with_new_events("varia", "absence", 100); }, "events",
       "USING INTEGER PRIMARY KEY", nullptr, true},  // sorts only the events since the mark
      {"pending mail and webhook jobs (/metrics)", [](sqlite_store& s) { (void)s.outbox_depth(); },
       "outbox", "USING COVERING INDEX outbox_pending"},
      {"open tickets per staff member (each new ticket)",
       [](sqlite_store& s) { (void)s.open_ticket_counts("varia"); }, "ticket_load",
       "USING PRIMARY KEY"},
      {"the outbox claim (each pump round)",
       [](sqlite_store& s) {
         const auto now = core::from_unix_ms(1'795'000'000'000);
         REQUIRE(s.enqueue_sms_to_phone("+358401234567", "kannel", "Hei", 2, "question", now, now));
         REQUIRE(s.claim_sms(256, now).value().size() == 1);
       },
       "messages", "USING INDEX messages_queue (priority=? AND next_attempt_at<?)", "m"},
      {"the mail claim (each mail worker round)",
       [](sqlite_store& s) {
         (void)s.claim_jobs("mail", 16, core::from_unix_ms(1'795'000'000'000));
       },
       "outbox", "USING INDEX outbox_due (kind=? AND priority=? AND due_at<?)"},
      {"the sender of a reply",
       [](sqlite_store& s) { (void)s.find_student_by_phone("+358401234567"); }, "students",
       "USING INDEX students_by_phone"},
      {"the student's open ticket of a category (each unprompted reply that opens a ticket)",
       [](sqlite_store& s) { (void)s.open_ticket_of(7, "wellbeing"); }, "tickets",
       "USING INDEX tickets_open_by_student (student_id=? AND category=?)"},
      {"the copy of staged students (the students import, a chunk of rows at a time)",
       [](sqlite_store& s) {
         core::student st;
         st.institution_id = "varia";
         st.ref = "s1";
         st.phone = "+358401234567";
         REQUIRE(s.clear_staged_students().is_ok());
         REQUIRE(s.stage_student(st, 2));
         (void)s.copy_staged_students(1, 1, core::from_unix_ms(1'795'000'000'000), true);
       },
       "students", "USING INDEX sqlite_autoindex_students_1 (institution_id=? AND student_ref=?)",
       "s"},
      {"the student's last reply (a reminder in quiet hours)",
       [](sqlite_store& s) { (void)s.last_inbound_at(7); }, "messages",
       "USING INDEX messages_last_inbound"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.what);
    auto sqls = statements_of(store, [&] { c.call(store); });
    REQUIRE(!sqls.empty());
    bool reached = false;
    for (const auto& sql : sqls) {
      CAPTURE(sql);
      for (const auto& step : plan_of(store, sql)) {
        CAPTURE(step);
        // A sort of every row found: the claim must take its rows in the index's order, or
        // it sorts the whole due queue (50,000 rows in a campaign) for each batch of 256.
        if (!c.may_sort) CHECK(step.find("USE TEMP B-TREE") == std::string::npos);
        // A walk of the whole table or of a whole index of it ("SCAN events USING INDEX ..."
        // walked every event to save a sort).
        for (const std::string name : {c.table, c.alias ? c.alias : c.table}) {
          CHECK(step.rfind("SCAN " + name + " ", 0) == std::string::npos);
          CHECK(step != "SCAN " + name);
          if (step.rfind("SEARCH " + name + " ", 0) == 0 &&
              step.find(c.searched) != std::string::npos)
            reached = true;
        }
      }
    }
    CHECK(reached);
  }
}
