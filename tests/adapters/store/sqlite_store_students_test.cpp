// Staging and copying students (the students import's writes): the copy keeps upsert_student's
// rules, a failed copy writes nothing of its range, and staging holds no lock of the database.
#include <memory>
#include <string>

#include <sqlite3.h>
#include <catch2/catch.hpp>

#include "support/temp_db.hpp"
#include "support/varia_store.hpp"
#include "tuki/adapters/store/sqlite_store.hpp"

using namespace tuki;
using namespace tuki::adapters;

namespace {

using testing::temp_db;

const core::instant t0 = core::from_unix_ms(1'795'000'000'000);
const core::instant t1 = core::from_unix_ms(1'795'000'100'000);

core::student student(std::string ref, std::string phone) {
  auto s = testing::varia_student(std::move(ref), std::move(phone));
  s.programme = "logistics";
  return s;
}

std::unique_ptr<sqlite_store> open_store(const temp_db& db) { return testing::varia_store(db); }

std::int64_t count_students(sqlite_store& store) {
  return store.db().prepare("SELECT COUNT(*) FROM students").first_int().value_or(-1);
}

std::string column(sqlite_store& store, const std::string& ref, const std::string& col) {
  auto v = store.db()
               .prepare("SELECT " + col + " FROM students WHERE student_ref = ?1")
               .bind(1, ref)
               .first_text();
  return v.value_or("<none>");
}

}  // namespace

TEST_CASE("staged students are copied with the upsert's rules; only rows that change count",
          "[store][stage]") {
  temp_db db;
  auto store = open_store(db);
  auto kept = student("s1", "+358401000001");
  kept.extra = {{"guardian", "Maija"}, {"locker", "12"}};
  REQUIRE(store->upsert_student(kept, t0).value());
  REQUIRE(store->upsert_student(student("s2", "+358401000002"), t0).value());

  REQUIRE(store->clear_staged_students().is_ok());
  auto changed = student("s1", "+358401000001");
  changed.first_name = "Aina";
  changed.programme = "ict";                              // not set: the file has no column
  changed.extra = {{"locker", ""}, {"bus", "yes"}};       // removes one key, adds one
  auto first = store->stage_student(changed, 2);
  REQUIRE(first);
  CHECK(*first == 1);
  REQUIRE(store->stage_student(student("s2", "+358401000002"), 3));  // holds every value
  auto fresh = student("s3", "+358401000003");
  fresh.extra = {{"bus", "no"}, {"empty", ""}};
  auto last = store->stage_student(fresh, 4);
  REQUIRE(last);
  CHECK(*last == 3);
  CHECK(store->staged_student(2)->line == 3);
  CHECK(store->staged_student(3)->phone == "+358401000003");

  auto written = store->copy_staged_students(1, 3, t1, false);
  REQUIRE(written);
  CHECK(written->updated == 1);   // s1 changed; s2 left alone
  CHECK(written->inserted == 1);  // s3 new
  CHECK(count_students(*store) == 3);
  CHECK(column(*store, "s1", "first_name") == "Aina");
  CHECK(column(*store, "s1", "programme") == "logistics");
  CHECK(column(*store, "s1", "extra") == R"({"guardian":"Maija","bus":"yes"})");
  CHECK(column(*store, "s1", "updated_at") == std::to_string(core::to_unix_ms(t1)));
  CHECK(column(*store, "s2", "updated_at") == std::to_string(core::to_unix_ms(t0)));
  CHECK(column(*store, "s3", "extra") == R"({"bus":"no"})");
  CHECK(column(*store, "s3", "created_at") == std::to_string(core::to_unix_ms(t1)));

  // The same rows again: nothing left to write. Cleared, the stage counts from 1 again.
  CHECK(store->copy_staged_students(1, 3, t1, false).value().written() == 0);
  REQUIRE(store->clear_staged_students().is_ok());
  CHECK_FALSE(store->staged_student(1));
  CHECK(store->stage_student(student("s4", "+358401000004"), 9).value() == 1);
}

TEST_CASE("a staged row given a number that sent STOP is opted out when copied", "[store][stage]") {
  temp_db db;
  auto store = open_store(db);
  REQUIRE(store->set_number_opted_out("+358401000009", true, t0).is_ok());
  REQUIRE(store->upsert_student(student("s1", "+358401000001"), t0).value());
  REQUIRE(store->clear_staged_students().is_ok());
  REQUIRE(store->stage_student(student("s1", "+358401000009"), 2));  // moved to the number
  REQUIRE(store->stage_student(student("s2", "+358401000009"), 3));  // and a new row with it
  REQUIRE(store->stage_student(student("s3", "+358401000003"), 4));
  // s1 and s2 cannot both hold the number: the copy of the range fails whole.
  REQUIRE_FALSE(store->copy_staged_students(1, 3, t1, true));
  CHECK(column(*store, "s1", "phone") == "+358401000001");
  CHECK(count_students(*store) == 1);
  REQUIRE(store->copy_staged_students(1, 1, t1, true).value().written() == 1);
  REQUIRE(store->copy_staged_students(3, 3, t1, true).value().written() == 1);
  CHECK(column(*store, "s1", "opted_out") == "1");
  CHECK(column(*store, "s3", "opted_out") == "0");
}

TEST_CASE("a failed copy writes nothing of its range and leaves the transaction open",
          "[store][stage]") {
  temp_db db;
  auto store = open_store(db);
  REQUIRE(store->upsert_student(student("held", "+358401000009"), t0).value());
  REQUIRE(store->upsert_student(student("s1", "+358401000001"), t0).value());
  REQUIRE(store->clear_staged_students().is_ok());
  auto renamed = student("s1", "+358401000001");
  renamed.first_name = "Aina";
  REQUIRE(store->stage_student(renamed, 2));                          // an update
  REQUIRE(store->stage_student(student("s2", "+358401000002"), 3));  // an insert
  REQUIRE(store->stage_student(student("s3", "+358401000009"), 4));  // held by another
  REQUIRE(store->begin().is_ok());
  auto failed = store->copy_staged_students(1, 3, t1, true);
  REQUIRE_FALSE(failed);
  CHECK(failed.error().error_code() == core::status::code::already_exists);
  CHECK_THAT(failed.error().message(), Catch::Contains("students.phone"));
  CHECK(store->db().in_transaction());
  CHECK(column(*store, "s1", "first_name") == "Aino");
  CHECK(count_students(*store) == 2);
  // The rows before the failing one, alone, are copied in the same transaction.
  CHECK(store->copy_staged_students(1, 2, t1, true).value().written() == 2);
  REQUIRE(store->commit().is_ok());
  CHECK(column(*store, "s1", "first_name") == "Aina");
  CHECK(count_students(*store) == 3);
  // upsert_student names the student whose number is taken.
  auto taken = store->upsert_student(student("s3", "+358401000009"), t1);
  REQUIRE_FALSE(taken);
  CHECK_THAT(taken.error().message(),
             Catch::Contains("student s3: phone number already belongs to another student"));
}

TEST_CASE("staging takes no lock of the database: another connection writes meanwhile",
          "[store][stage][lock]") {
  temp_db db;
  auto store = open_store(db);
  auto other = sqlite_connection::open(db.path.string());
  REQUIRE(other);
  sqlite3_busy_timeout((*other)->raw(), 0);  // fail at once if the lock is held
  REQUIRE(store->clear_staged_students().is_ok());
  // The import's check: each chunk's reads and staging in one transaction of its own.
  REQUIRE(store->db().exec("BEGIN").is_ok());
  CHECK(store->find_students_by_phone("+358401000001").empty());
  for (int i = 0; i < 500; ++i)
    REQUIRE(store->stage_student(student("s" + std::to_string(i),
                                         "+35840100" + std::to_string(1000 + i)),
                                 static_cast<std::size_t>(i) + 2));
  CHECK((*other)->exec("BEGIN IMMEDIATE").is_ok());
  CHECK((*other)
            ->exec("INSERT INTO institutions (id, name, country, timezone) "
                   "VALUES ('omnia', 'Omnia', 'FI', 'Europe/Helsinki')")
            .is_ok());
  CHECK((*other)->exec("COMMIT").is_ok());
  REQUIRE(store->db().exec("COMMIT").is_ok());
  CHECK(count_students(*store) == 0);  // staged, not written
  REQUIRE(store->copy_staged_students(1, 500, t1, true).value().written() == 500);
  CHECK(count_students(*store) == 500);
}

TEST_CASE("a copy of rows known to be new skips the look-up of stored rows", "[store][stage]") {
  temp_db db;
  auto store = open_store(db);
  REQUIRE(store->upsert_student(student("s1", "+358401000001"), t0).value());
  REQUIRE(store->clear_staged_students().is_ok());
  auto renamed = student("s1", "+358401000001");
  renamed.first_name = "Aina";
  REQUIRE(store->stage_student(renamed, 2));
  REQUIRE(store->stage_student(student("s2", "+358401000002"), 3));
  // The caller's promise broken on purpose: the stored row is left as it is, not duplicated.
  auto blind = store->copy_staged_students(1, 2, t1, true, true);
  REQUIRE(blind);
  CHECK(blind->inserted == 1);  // s2; s1 is neither inserted nor updated
  CHECK(blind->updated == 0);
  CHECK(column(*store, "s1", "first_name") == "Aino");
  CHECK(count_students(*store) == 2);
  auto looked_up = store->copy_staged_students(1, 2, t1, true);
  REQUIRE(looked_up);
  CHECK(looked_up->updated == 1);  // s1
  CHECK(looked_up->inserted == 0);
  CHECK(column(*store, "s1", "first_name") == "Aina");
}
