#include "tuki/app/student_import.hpp"

#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

using namespace tuki;
namespace fs = std::filesystem;

namespace {

struct files {
  fs::path dir;
  files() {
    dir = fs::temp_directory_path() / ("tuki-import-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~files() { fs::remove_all(dir); }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
    return (dir / name).string();
  }
};

const std::string header =
    "student_id,phone,first_name,language,group,campus,start_date,teacher_email,timezone\n";

std::string rows(int from, int to) {
  std::string out;
  for (int i = from; i < to; ++i)
    out += "s" + std::to_string(i) + ",040" + std::to_string(1000000 + i) + ",N" + std::to_string(i) +
           ",fi,G1,Tikkurila,2026-08-10,,\n";
  return out;
}

std::int64_t count(adapters::sqlite_store& s) {
  auto& q = s.db().prepare("SELECT COUNT(*) FROM students");
  std::int64_t n = q.step() ? q.column_int(0) : 0;
  q.reset();
  return n;
}

}  // namespace

TEST_CASE("a large students file is imported through the pipeline, in order, and re-imports update", "[import][pipeline]") {
  files f;
  auto store = adapters::sqlite_store::open((f.dir / "t.db").string());
  REQUIRE(store);
  REQUIRE((*store)->upsert_institution("varia", "Varia", "FI", "Europe/Helsinki").is_ok());
  auto path = f.write("big.csv", header + rows(0, 10000));  // several chunks
  std::size_t progress_calls = 0, last_rows = 0;
  auto r = app::import_students_file(path, **store, "varia", "FI", "fi", core::from_unix_ms(0),
                                     [&](const app::import_progress& p) {
                                       ++progress_calls;
                                       CHECK(p.rows_written >= last_rows);
                                       last_rows = p.rows_written;
                                     },
                                     2);
  INFO(r.error().to_string());
  REQUIRE(r);
  CHECK(r->rows == 10000);
  CHECK(r->created == 10000);
  CHECK(progress_calls >= 2);
  CHECK(count(**store) == 10000);
  auto s = (*store)->find_student_by_phone("+358401009999");
  REQUIRE(s);
  CHECK(s->ref == "s9999");
  auto again = app::import_students_file(f.write("again.csv", header + rows(9990, 10010)), **store,
                                         "varia", "FI", "fi", core::from_unix_ms(0), {}, 2);
  REQUIRE(again);
  CHECK(again->created == 10);
  CHECK(again->updated == 10);
}

TEST_CASE("an error in a late chunk leaves nothing imported and names every bad line", "[import][pipeline]") {
  files f;
  auto store = adapters::sqlite_store::open((f.dir / "t.db").string());
  REQUIRE(store);
  REQUIRE((*store)->upsert_institution("varia", "Varia", "FI", "Europe/Helsinki").is_ok());
  std::string text = header + rows(0, 9000) + "bad,12,X,fi,G1,T,2026-08-10,,\n" + rows(9000, 9500) +
                     "s5,0409999999,Dup,fi,G1,T,2026-08-10,,\n" +
                     "x1,0409999998,X,fi,G1,T,2026-02-30,,\n" +
                     "x2,0409999997,Y,fi,G1,T,2026-08-10,,Europe/Helsinky\n";
  auto r = app::import_students_file(f.write("bad.csv", text), **store, "varia", "FI", "fi",
                                     core::from_unix_ms(0), {}, 2);
  REQUIRE_FALSE(r);
  const std::string m = r.error().message();
  CHECK_THAT(m, Catch::StartsWith("4 error(s), nothing imported"));
  CHECK_THAT(m, Catch::Contains("line 9002: phone: '12' is not a valid number for FI"));
  CHECK_THAT(m, Catch::Contains("line 9503: student_id: 's5' repeats line 7"));
  CHECK_THAT(m, Catch::Contains("line 9504: start_date: '2026-02-30' is not a date"));
  CHECK_THAT(m, Catch::Contains("line 9505: timezone: unknown time zone \"Europe/Helsinky\""));
  CHECK(count(**store) == 0);
  CHECK_FALSE(app::import_students_file((f.dir / "missing.csv").string(), **store, "varia", "FI",
                                        "fi", core::from_unix_ms(0)));
}
