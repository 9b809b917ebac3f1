#include "tuki/app/student_import.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>

#include <sqlite3.h>

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
  CHECK(again->updated == 0);
  CHECK(again->unchanged == 10);  // s9990..s9999 hold these values already
  // Two students change group; the rest of the file is as stored.
  std::string moved = rows(9998, 10005);
  for (const char* ref : {"s9999,", "s10000,"}) {
    const auto at = moved.find(",G1,", moved.find(ref));
    moved.replace(at, 4, ",G2,");
  }
  auto third = app::import_students_file(f.write("moved.csv", header + moved), **store, "varia",
                                         "FI", "fi", core::from_unix_ms(0), {}, 2);
  REQUIRE(third);
  CHECK(third->rows == 7);
  CHECK(third->created == 0);
  CHECK(third->updated == 2);
  CHECK(third->unchanged == 5);
  CHECK((*store)->find_student_by_phone("+358401009999")->group == "G2");
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

namespace {

struct import_fixture {
  files f;
  std::unique_ptr<adapters::sqlite_store> store;
  import_fixture() {
    auto s = adapters::sqlite_store::open((f.dir / "t.db").string());
    REQUIRE(s);
    store = std::move(*s);
    REQUIRE(store->upsert_institution("varia", "Varia", "FI", "Europe/Helsinki").is_ok());
  }
  core::result<app::import_summary> import(const std::string& text, unsigned threads = 2) {
    return app::import_students_file(f.write("in.csv", text), *store, "varia", "FI", "fi",
                                     core::from_unix_ms(0), {}, threads);
  }
};

}  // namespace

TEST_CASE("a students file that is not UTF-8 is refused whole, at the first bad byte", "[import][utf8]") {
  import_fixture t;
  // Excel's "CSV" in Latin-1 / Windows-1252: 'ä' is the byte 0xE4.
  auto r = t.import(header + rows(0, 5) + "s9,0409999999,M\xE4kinen,fi,G1,T,2026-08-10,,\n");
  REQUIRE_FALSE(r);
  const std::string m = r.error().message();
  INFO(m);
  CHECK_THAT(m, Catch::StartsWith("line 7, column 16: byte 0xE4 is not UTF-8"));
  CHECK_THAT(m, Catch::Contains("Latin-1/Windows-1252"));
  CHECK_THAT(m, Catch::Contains("save it as UTF-8"));
  CHECK(count(*t.store) == 0);
  // The same file in UTF-8, with the BOM Excel's "CSV UTF-8" writes.
  auto ok = t.import("\xEF\xBB\xBF" + header + "s9,0409999999,Mäkinen,fi,G1,T,2026-08-10,,\n");
  INFO(ok.error().to_string());
  REQUIRE(ok);
  CHECK(t.store->find_student_by_phone("+358409999999")->first_name == "Mäkinen");
}

TEST_CASE("a phone number taken by another student is reported by line", "[import][phone]") {
  import_fixture t;
  REQUIRE(t.import(header + rows(0, 3)));  // s0..s2: 0401000000..0401000002
  // Line 2 takes s1's stored number; line 3 repeats line 2's new number; line 4 takes s2's.
  auto r = t.import(header + "n1,0401000001,A,fi,G1,T,2026-08-10,,\n" +
                    "n2,0401000001,B,fi,G1,T,2026-08-10,,\n" +
                    "n3,0401000002,C,fi,G1,T,2026-08-10,,\n");
  REQUIRE_FALSE(r);
  const std::string m = r.error().message();
  INFO(m);
  CHECK_THAT(m, Catch::StartsWith("3 error(s), nothing imported"));
  CHECK_THAT(m, Catch::Contains("line 2: phone: the same number as student 's1', already stored"));
  CHECK_THAT(m, Catch::Contains("line 3: phone: the same number as line 2"));
  CHECK_THAT(m, Catch::Contains("line 4: phone: the same number as student 's2', already stored"));
  CHECK(count(*t.store) == 3);
  CHECK(t.store->find_student_by_phone("+358401000001")->ref == "s1");
  // Numbers that move between students in one file are fine, in either order.
  SECTION("the old owner's new number on an earlier line") {
    auto moved = t.import(header + "s1,0407777777,N1,fi,G1,T,2026-08-10,,\n" +
                          "n1,0401000001,A,fi,G1,T,2026-08-10,,\n", 1);
    INFO(moved.error().to_string());
    CHECK(moved);
    CHECK(t.store->find_student_by_phone("+358401000001")->ref == "n1");
  }
  SECTION("the old owner's new number on a later line") {
    auto moved = t.import(header + "n1,0401000001,A,fi,G1,T,2026-08-10,,\n" +
                          "s1,0407777777,N1,fi,G1,T,2026-08-10,,\n", 1);
    INFO(moved.error().to_string());
    REQUIRE(moved);
    CHECK(moved->rows == 2);
    CHECK(t.store->find_student_by_phone("+358401000001")->ref == "n1");
    CHECK(t.store->find_student_by_phone("+358407777777")->ref == "s1");
  }
}

TEST_CASE("two students swapping numbers in one file", "[import][phone]") {
  import_fixture t;
  REQUIRE(t.import(header + rows(0, 3)));  // s0..s2: 0401000000..0401000002
  auto swapped = t.import(header + "s0,0401000001,A,fi,G1,T,2026-08-10,,\n" +
                          "s1,0401000000,B,fi,G1,T,2026-08-10,,\n", 1);
  INFO(swapped.error().to_string());
  REQUIRE(swapped);
  CHECK(swapped->created == 0);
  CHECK(swapped->updated == 2);
  CHECK(t.store->find_student_by_phone("+358401000000")->ref == "s1");
  CHECK(t.store->find_student_by_phone("+358401000001")->ref == "s0");
  CHECK(count(*t.store) == 3);
  // No placeholder number is left behind.
  auto& left = t.store->db().prepare("SELECT COUNT(*) FROM students WHERE phone LIKE 'moving:%'");
  REQUIRE(left.step());
  CHECK(left.column_int(0) == 0);
  left.reset();

  SECTION("a cycle with a number held by a student the file does not move is refused whole") {
    // s0 -> s1's number, s1 -> s2's number; s2 is not in the file and keeps its number.
    auto r = t.import(header + "s0,0401000000,A,fi,G1,T,2026-08-10,,\n" +
                      "s1,0401000002,B,fi,G1,T,2026-08-10,,\n", 1);
    REQUIRE_FALSE(r);
    const std::string m = r.error().message();
    INFO(m);
    CHECK_THAT(m, Catch::Contains("line 3: phone: the same number as student 's2', already stored"));
    CHECK_THAT(m, !Catch::Contains("line 2:"));
    CHECK(t.store->find_student_by_phone("+358401000000")->ref == "s1");
    CHECK(t.store->find_student_by_phone("+358401000001")->ref == "s0");
    CHECK(t.store->find_student_by_phone("+358401000002")->ref == "s2");
  }
}

TEST_CASE("a re-import without a column leaves its stored values; an empty cell clears", "[import][extra]") {
  import_fixture t;
  const std::string wide = "student_id,phone,first_name,language,group,campus,start_date,"
                           "teacher_email,timezone,programme,internship_start,internship_end\n";
  REQUIRE(t.import(wide + "s1,0401234567,Aino,fi,G1,T,2026-08-10,,,Automation,2027-01-15,2027-05-31\n"));
  REQUIRE(t.import(header + "s1,0401234567,Aino,fi,G2,T,2026-08-10,,\n"));
  auto s = t.store->find_student_by_phone("+358401234567");
  REQUIRE(s);
  CHECK(s->group == "G2");
  CHECK(s->programme == "Automation");
  CHECK(s->extra == std::map<std::string, std::string>{{"internship_end", "2027-05-31"},
                                                       {"internship_start", "2027-01-15"}});
  REQUIRE(t.import(header.substr(0, header.size() - 1) + ",internship_end\n" +
                   "s1,0401234567,Aino,fi,G2,T,2026-08-10,,,\n"));
  s = t.store->find_student_by_phone("+358401234567");
  REQUIRE(s);
  CHECK(s->extra == std::map<std::string, std::string>{{"internship_start", "2027-01-15"}});
}

TEST_CASE("names and other cells have a length limit in characters", "[import][limits]") {
  import_fixture t;
  std::string a64, a65;
  for (int i = 0; i < 64; ++i) a64 += "ä";  // 128 bytes, 64 characters
  a65 = a64 + "a";
  auto r = t.import(header + "s1,0401234567," + a65 + ",fi,G1,T,2026-08-10,,\n" +
                    "s2,0401234568,Ben," + "fi,G1," + std::string(300, 'x') + ",2026-08-10,,\n");
  REQUIRE_FALSE(r);
  const std::string m = r.error().message();
  INFO(m);
  CHECK_THAT(m, Catch::Contains("line 2: first_name: 65 characters; at most 64 are allowed"));
  CHECK_THAT(m, Catch::Contains("line 3: campus: 300 characters; at most 255 are allowed"));
  CHECK(count(*t.store) == 0);
  auto ok = t.import(header + "s1,0401234567," + a64 + ",fi,G1,T,2026-08-10,,\n");
  INFO(ok.error().to_string());
  CHECK(ok);
}

TEST_CASE("a students file separated by ';' is read as such; a mixed header gets a hint", "[import][csv]") {
  import_fixture t;
  std::string semi = header;
  std::replace(semi.begin(), semi.end(), ',', ';');
  auto r = t.import(semi + "s1;0401234567;\"Aino, Jr.\";fi;G1;T;2026-08-10;;\n");
  INFO(r.error().to_string());
  REQUIRE(r);
  CHECK(t.store->find_student_by_phone("+358401234567")->first_name == "Aino, Jr.");
  auto mixed = t.import("student_id;phone;first_name,language,group,campus,start_date,teacher_email,timezone\n");
  REQUIRE_FALSE(mixed);
  CHECK_THAT(mixed.error().message(),
             Catch::Contains("the header has both ',' and ';': separate all columns with ','"));
}

TEST_CASE("a students file naming a column twice is refused whole, nothing imported",
          "[import][header]") {
  import_fixture t;
  auto r = t.import(
      "student_id,phone,first_name,language,group,campus,start_date,teacher_email,"
      "timezone,phone\n"
      "s72,0407777772,Dup,fi,AUT21,Tikkurila,2026-08-10,,,0407777773\n");
  REQUIRE_FALSE(r);
  CHECK(r.error().message() ==
        "line 1: column 'phone' appears twice (columns 2 and 10); keep one of them");
  CHECK(count(*t.store) == 0);
}

TEST_CASE("a Finnish Excel export: d.m.yyyy dates and trailing ';;;' rows",
          "[import][csv][dates]") {
  import_fixture t;
  auto r = t.import(
      "\xEF\xBB\xBFstudent_id;phone;first_name;language;group;campus;start_date;teacher_email;"
      "timezone\r\n"
      "s41;040 444 4445;Semi;fi;AUT21;Tikkurila;10.8.2026;opettaja@varia.test;\r\n"
      ";;;;;;;;\r\n;;;;;;;;\r\n");
  INFO(r.error().to_string());
  REQUIRE(r);
  CHECK(r->rows == 1);
  auto s = t.store->find_student_by_phone("+358404444445");
  REQUIRE(s);
  CHECK(s->start_date == "2026-08-10");
  auto bad = t.import(
      "student_id;phone;first_name;language;group;campus;start_date;teacher_email;timezone\r\n"
      "s41;040 444 4445;Semi;fi;AUT21;Tikkurila;31.2.2026;;\r\n");
  REQUIRE_FALSE(bad);
  CHECK_THAT(
      bad.error().message(),
      Catch::Contains("line 2: start_date: '31.2.2026' is not a date (YYYY-MM-DD or D.M.YYYY"));
}

TEST_CASE("a long students import leaves the write lock to other writers between its chunks",
          "[import][lock]") {
  import_fixture t;
  // Another writer (the service's store thread) that waits for the lock only briefly.
  auto other = adapters::sqlite_connection::open((t.f.dir / "t.db").string());
  REQUIRE(other);
  sqlite3_busy_timeout((*other)->raw(), 50);
  int writing = 0, took = 0;
  const std::size_t total = 40000;  // three transactions (at most 16,384 rows each)
  auto r = app::import_students_file(
      t.f.write("big.csv", header + rows(0, static_cast<int>(total))), *t.store, "varia", "FI",
      "fi", core::from_unix_ms(0),
      [&](const app::import_progress& p) {
        if (p.rows_written == 0 || p.rows_written == total) return;  // the check; the end
        if (++writing != 2) return;
        // Between the import's second and third transaction.
        if ((*other)->exec("BEGIN IMMEDIATE").is_ok()) {
          ++took;
          REQUIRE((*other)->exec("ROLLBACK").is_ok());
        }
      },
      2);
  INFO(r.error().to_string());
  REQUIRE(r);
  CHECK(r->created == total);
  CHECK(writing >= 2);
  CHECK(took == 1);
  CHECK(count(*t.store) == static_cast<std::int64_t>(total));
}

TEST_CASE("a number the database gives a student the file does not move: nothing is written",
          "[import][phone]") {
  import_fixture t;
  REQUIRE(t.import(header + "x1,0409999999,X,fi,G1,T,2026-08-10,,\n"));
  // Many rows first (more than one transaction's worth), then one that takes x1's number.
  auto r = t.import(header + rows(0, 10000) + "late,0409999999,L,fi,G1,T,2026-08-10,,\n");
  REQUIRE_FALSE(r);
  const std::string m = r.error().message();
  INFO(m);
  CHECK_THAT(m, Catch::StartsWith("1 error(s), nothing imported"));
  CHECK_THAT(m,
             Catch::Contains("line 10002: phone: the same number as student 'x1', already stored"));
  CHECK(count(*t.store) == 1);
}

TEST_CASE("a write failing midway keeps what came before, names the line; a re-run completes it",
          "[import][resume]") {
  import_fixture t;
  // A failure no check can see coming (a full disk, say) at s20000, line 20002: after the
  // first transaction (at most 16,384 rows).
  REQUIRE(
      t.store->db()
          .exec("CREATE TRIGGER fail_s20000 BEFORE INSERT ON students "
                "WHEN NEW.student_ref = 's20000' BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END")
          .is_ok());
  const std::string text = header + rows(0, 24000);
  auto r = t.import(text);
  REQUIRE_FALSE(r);
  const std::string m = r.error().message();
  INFO(m);
  std::smatch g;
  REQUIRE(std::regex_search(
      m, g,
      std::regex("^import stopped at line ([0-9]+) after writing ([0-9]+) rows: line 20002: .*"
                 "disk full \\(test\\).*the rows before line [0-9]+ are stored; running the same "
                 "import again completes it")));
  const auto stopped_at = std::stoll(g[1].str());
  const auto written = std::stoll(g[2].str());
  CHECK(written > 0);  // earlier transactions stay
  CHECK(written < 20000);
  CHECK(stopped_at == written + 2);  // every row before that line is stored (s0 is on line 2)
  CHECK(count(*t.store) == written);
  CHECK(t.store->find_student_by_phone("+358401000000"));
  CHECK_FALSE(t.store->find_student_by_phone("+358401020000"));

  REQUIRE(t.store->db().exec("DROP TRIGGER fail_s20000").is_ok());
  auto again = t.import(text);
  INFO(again.error().to_string());
  REQUIRE(again);
  CHECK(again->rows == 24000);
  CHECK(static_cast<std::int64_t>(again->created) == 24000 - written);
  CHECK(static_cast<std::int64_t>(again->unchanged) == written);
  CHECK(count(*t.store) == 24000);  // no row twice
}

TEST_CASE("an import stopped after a number moved leaves no placeholder number behind",
          "[import][resume][phone]") {
  import_fixture t;
  REQUIRE(t.import(header + rows(0, 30000)));
  // s1 takes s23000's number and s23000 gets a new one, 23,000 rows further on (past the first
  // transaction's 16,384 rows); a failure no check can see coming stops the import at s29000.
  std::string text = header + rows(0, 30000);
  auto replace = [&](const std::string& from, const std::string& to) {
    auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
  };
  replace("\ns1,0401000001,", "\ns1,0401023000,");
  replace("\ns23000,0401023000,", "\ns23000,0409999999,");
  replace("\ns29000,0401029000,N29000,", "\ns29000,0401029000,Renamed,");
  REQUIRE(t.store->db()
              .exec("CREATE TRIGGER fail_s29000 BEFORE UPDATE ON students "
                    "WHEN NEW.student_ref = 's29000' BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END")
              .is_ok());
  auto r = t.import(text);
  REQUIRE_FALSE(r);
  INFO(r.error().message());
  CHECK_THAT(r.error().message(), Catch::Contains("line 29002: ") && Catch::Contains("disk full (test)"));
  // No student is left without a number: the move is either stored whole or not at all.
  auto& left = t.store->db().prepare("SELECT COUNT(*) FROM students WHERE phone LIKE 'moving:%'");
  REQUIRE(left.step());
  CHECK(left.column_int(0) == 0);
  left.reset();
  const auto s1 = t.store->find_student_by_phone("+358401023000");
  REQUIRE(s1);
  CHECK(s1->ref == "s1");
  const auto s23000 = t.store->find_student_by_phone("+358409999999");
  REQUIRE(s23000);
  CHECK(s23000->ref == "s23000");
  CHECK_FALSE(t.store->find_student_by_phone("+358401000001"));

  REQUIRE(t.store->db().exec("DROP TRIGGER fail_s29000").is_ok());
  auto again = t.import(text);
  INFO(again.error().to_string());
  REQUIRE(again);
  CHECK(count(*t.store) == 30000);
  CHECK(t.store->find_student_by_phone("+358401029000")->first_name == "Renamed");
}

TEST_CASE("a new institution's import updates the rows another import stored since its check",
          "[import][resume]") {
  import_fixture t;
  // The institution has no student when the import starts, so its copy only inserts. While the
  // file is checked, another import (another connection) stores two of its students with other
  // names.
  auto other = adapters::sqlite_store::open((t.f.dir / "t.db").string());
  REQUIRE(other);
  bool stored = false;
  auto meanwhile = [&](const app::import_progress&) {
    if (stored) return;
    stored = true;
    for (const char* ref : {"s3", "s7000"}) {
      core::student s;
      s.institution_id = "varia";
      s.ref = ref;
      s.phone = ref == std::string("s3") ? "+358401000003" : "+358401007000";
      s.first_name = "Other";
      s.language = "fi";
      REQUIRE((*other)->upsert_student(s, core::from_unix_ms(0)));
    }
  };
  auto r = app::import_students_file(t.f.write("in.csv", header + rows(0, 9000)), *t.store, "varia",
                                     "FI", "fi", core::from_unix_ms(0), meanwhile, 2);
  INFO(r.error().to_string());
  REQUIRE(r);
  REQUIRE(stored);
  CHECK(count(*t.store) == 9000);
  // The file's values, not the other import's.
  CHECK(t.store->find_student_by_phone("+358401000003")->first_name == "N3");
  CHECK(t.store->find_student_by_phone("+358401007000")->first_name == "N7000");
  CHECK(r->rows == 9000);
  CHECK(r->created == 8998);
  CHECK(r->updated == 2);
}

TEST_CASE("rows that cannot be kept for the copy name the temporary directory; nothing imported",
          "[import][stage]") {
  import_fixture t;
  // The stage's temporary file failing at s5 (line 7), as a full /var/tmp would.
  REQUIRE(t.store->clear_staged_students().is_ok());
  REQUIRE(t.store->db()
              .exec("CREATE TEMP TRIGGER fail_stage BEFORE INSERT ON student_stage "
                    "WHEN NEW.student_ref = 's5' BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END")
              .is_ok());
  auto r = t.import(header + rows(0, 10));
  REQUIRE_FALSE(r);
  const std::string m = r.error().message();
  INFO(m);
  CHECK_THAT(m, Catch::StartsWith("line 7: keeping the checked rows in SQLite's temporary "
                                  "directory ($SQLITE_TMPDIR or $TMPDIR, else /var/tmp"));
  CHECK_THAT(m, Catch::Contains("disk full (test); nothing was imported"));
  CHECK(count(*t.store) == 0);
}
