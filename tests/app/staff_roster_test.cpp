// tuki staff import --replace and tuki staff deactivate, against a real SQLite file: the file is
// the whole staff (those it leaves out are deactivated, not deleted; those it lists again are
// active again), counts for the report, and nothing changed by a refused import.
#include "tuki/app/staff_roster.hpp"

#include <filesystem>

#include <catch2/catch.hpp>

#include "support/stderr_capture.hpp"
#include "support/temp_db.hpp"
#include "tuki/app/roster_import.hpp"

using namespace tuki;

namespace {

const core::instant t0 = core::from_unix_ms(1'790'000'000'000);

std::unique_ptr<adapters::sqlite_store> open_store(const testing::temp_db& db) {
  auto st = adapters::sqlite_store::open(db.str());
  REQUIRE(st);
  REQUIRE((*st)->upsert_institution("varia", "Varia", "FI", "Europe/Helsinki").is_ok());
  REQUIRE((*st)->upsert_institution("omnia", "Omnia", "FI", "Europe/Helsinki").is_ok());
  return std::move(*st);
}

std::vector<core::staff_member> csv(const std::string& text, const std::string& inst = "varia") {
  auto rows = app::parse_staff_csv(text, inst, "FI");
  INFO(rows.error().to_string());
  REQUIRE(rows);
  return *rows;
}

// "email:active" of the institution's staff, by id.
std::vector<std::string> roster(adapters::sqlite_store& store, const std::string& inst = "varia") {
  std::vector<std::string> out;
  for (const auto& m : store.list_staff(inst)) out.push_back(m.email + (m.active ? ":1" : ":0"));
  return out;
}

const std::string header = "email,name,roles,campuses,groups,phone\n";

}  // namespace

TEST_CASE("staff import --replace deactivates staff the file leaves out, and brings them back",
          "[app][staff]") {
  testing::temp_db db;
  auto store = open_store(db);
  auto first = app::import_staff(*store, "varia",
                                 csv(header + "anna@varia.test,Anna,teacher,,,\n"
                                              "bo@varia.test,Bo,nurse,,,\n"
                                              "cecilia@varia.test,Cecilia,psychologist,,,\n"
                                              "daniel@varia.test,Daniel,teacher,,,\n"),
                                 true, t0);
  REQUIRE(first);
  CHECK(first->stored.added == 4);
  CHECK(first->deactivated.ids.empty());
  REQUIRE(app::import_staff(*store, "omnia",
                            csv(header + "eero@omnia.test,Eero,teacher,,,\n", "omnia"), false, t0));

  // A file without Bo, Cecilia and Daniel, Anna's name changed, Frida new.
  const std::string log_file = db.str() + ".log";
  testing::stderr_capture capture(log_file);
  auto second = app::import_staff(*store, "varia",
                                  csv(header + "anna@varia.test,Anna K,teacher,,,\n"
                                               "FRIDA@varia.test,Frida,nurse,,,\n"),
                                  true, t0);
  const auto log = capture.text();
  std::filesystem::remove(log_file);
  REQUIRE(second);
  CHECK(second->stored.added == 1);
  CHECK(second->stored.updated == 1);
  CHECK(second->stored.unchanged == 0);
  CHECK(second->deactivated.ids.size() == 3);
  CHECK(roster(*store) == std::vector<std::string>{"anna@varia.test:1", "bo@varia.test:0",
                                                   "cecilia@varia.test:0", "daniel@varia.test:0",
                                                   "frida@varia.test:1"});
  CHECK(roster(*store, "omnia") == std::vector<std::string>{"eero@omnia.test:1"});
  CHECK_THAT(log, Catch::Contains("event=staff_deactivated"));
  CHECK_THAT(log, !Catch::Contains("@varia.test"));

  // The same file again: nothing more to deactivate (they are inactive already).
  auto same = app::import_staff(*store, "varia",
                                csv(header + "anna@varia.test,Anna K,teacher,,,\n"
                                             "frida@varia.test,Frida,nurse,,,\n"),
                                true, t0);
  REQUIRE(same);
  CHECK(same->stored.unchanged == 2);
  CHECK(same->deactivated.ids.empty());

  // Bo comes back: active again, counted as updated; the others stay inactive.
  auto back = app::import_staff(*store, "varia",
                                csv(header + "anna@varia.test,Anna K,teacher,,,\n"
                                             "bo@varia.test,Bo,nurse,,,\n"
                                             "frida@varia.test,Frida,nurse,,,\n"),
                                true, t0);
  REQUIRE(back);
  CHECK(back->stored.added == 0);
  CHECK(back->stored.updated == 1);
  CHECK(back->stored.reactivated == 1);
  CHECK(back->stored.unchanged == 2);
  CHECK(back->deactivated.ids.empty());
  CHECK(roster(*store) == std::vector<std::string>{"anna@varia.test:1", "bo@varia.test:1",
                                                   "cecilia@varia.test:0", "daniel@varia.test:0",
                                                   "frida@varia.test:1"});

  // Without --replace, staff the file leaves out stay as they are.
  auto plain = app::import_staff(*store, "varia",
                                 csv(header + "anna@varia.test,Anna K,teacher,,,\n"), false, t0);
  REQUIRE(plain);
  CHECK(plain->deactivated.ids.empty());
  CHECK(roster(*store)[1] == "bo@varia.test:1");
}

TEST_CASE("staff import --replace of a file listing nobody is refused and changes nothing",
          "[app][staff]") {
  testing::temp_db db;
  auto store = open_store(db);
  REQUIRE(app::import_staff(*store, "varia", csv(header + "anna@varia.test,Anna,teacher,,,\n"),
                            false, t0));
  auto empty = app::import_staff(*store, "varia", csv(header), true, t0);
  REQUIRE_FALSE(empty);
  CHECK(empty.error().error_code() == core::status::code::invalid_argument);
  CHECK(roster(*store) == std::vector<std::string>{"anna@varia.test:1"});
}

TEST_CASE("staff deactivate names an unknown email and changes nothing", "[app][staff]") {
  testing::temp_db db;
  auto store = open_store(db);
  REQUIRE(app::import_staff(*store, "varia",
                            csv(header + "anna@varia.test,Anna,teacher,,,\n"
                                         "bo@varia.test,Bo,nurse,,,\n"),
                            false, t0));
  auto unknown = app::deactivate_staff(*store, "varia", {"bo@varia.test", "eero@omnia.test"}, t0);
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().error_code() == core::status::code::not_found);
  CHECK_THAT(unknown.error().message(), Catch::Contains("eero@omnia.test"));
  CHECK(roster(*store) == std::vector<std::string>{"anna@varia.test:1", "bo@varia.test:1"});
  auto done = app::deactivate_staff(*store, "varia", {"BO@varia.test"}, t0);
  REQUIRE(done);
  CHECK(done->ids.size() == 1);
  CHECK(roster(*store) == std::vector<std::string>{"anna@varia.test:1", "bo@varia.test:0"});
}
