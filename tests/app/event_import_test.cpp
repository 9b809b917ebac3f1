// `tuki events import` reads its CSV like the students and staff imports (csv_import_text.hpp):
// UTF-8 only, refused whole with line, column and a Latin-1 hint; ',' or ';' separated.
#include "tuki/app/event_import.hpp"

#include <catch2/catch.hpp>

using namespace tuki;

TEST_CASE("events CSV: a Latin-1 file is refused whole, naming line, column and the word",
          "[events][import][utf8]") {
  std::vector<app::event_error> errors;
  // Excel's plain "CSV" in Finland is Windows-1252: 'ä' is the byte 0xE4.
  auto rows = app::parse_events_csv(
      "student_id,event,date,value\ns1,absence,2026-09-01,1\ns\xE4,absence,2026-09-02,1\n", errors);
  REQUIRE_FALSE(rows);
  const std::string m = rows.error().message();
  INFO(m);
  CHECK_THAT(m, Catch::StartsWith("line 3, column 2: byte 0xE4 is not UTF-8"));
  CHECK_THAT(m, Catch::Contains("Latin-1/Windows-1252"));
  CHECK_THAT(m, Catch::Contains("'sä'"));
  CHECK_THAT(m, Catch::Contains("nothing imported"));
  CHECK(errors.empty());  // one error for the file, not one per row

  // UTF-8 with a byte order mark (Excel's "CSV UTF-8") is read.
  auto bom = app::parse_events_csv(
      "\xEF\xBB\xBFstudent_id,event,date,value\nsä,absence,2026-09-02,1\n", errors);
  INFO((errors.empty() ? "" : errors[0].reason));
  REQUIRE(bom);
  REQUIRE(bom->size() == 1);
  CHECK((*bom)[0].student_ref == "sä");
}

TEST_CASE("events CSV: a file whose header has ';' and no ',' is read as ';'-separated",
          "[events][import][csv]") {
  std::vector<app::event_error> errors;
  auto rows = app::parse_events_csv(
      "\xEF\xBB\xBFstudent_id;event;date;value\ns1;absence;2026-09-01;2\ns2;late;2026-09-02;\n",
      errors);
  INFO((errors.empty() ? "" : errors[0].reason));
  REQUIRE(rows);
  CHECK(errors.empty());
  REQUIRE(rows->size() == 2);
  CHECK((*rows)[0].student_ref == "s1");
  CHECK((*rows)[0].event == "absence");
  CHECK((*rows)[0].date == "2026-09-01");
  CHECK((*rows)[0].value == 2);
  CHECK((*rows)[1].value == 1);  // empty: 1
  CHECK((*rows)[1].where == 3);

  // Row errors keep their lines in a ';' file too.
  errors.clear();
  auto bad = app::parse_events_csv("student_id;event;date\ns1;absence;2026-02-30\n", errors);
  REQUIRE(bad);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].where == 2);
  CHECK(errors[0].reason ==
        "date '2026-02-30' is not a date (YYYY-MM-DD or D.M.YYYY, a day that exists)");
}

TEST_CASE("events CSV: a ';'-separated file may write decimal commas", "[events][import][csv]") {
  // Finnish Excel saves "CSV" with ';' between fields and ',' in numbers.
  std::vector<app::event_error> errors;
  auto rows = app::parse_events_csv(
      "student_id;event;date;value\ns1;absence_hours;2026-09-01;0,5\ns2;absence_hours;2026-09-01;1.25\n"
      "s3;absence_hours;2026-09-01;1,2,3\n",
      errors);
  REQUIRE(rows);
  REQUIRE(rows->size() == 2);
  CHECK((*rows)[0].value == 0.5);
  CHECK((*rows)[1].value == 1.25);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].where == 4);
  CHECK(errors[0].reason == "value '1,2,3' is not a number");

  // In a ','-separated file a quoted "0,5" stays an error: there ',' may group thousands.
  errors.clear();
  auto comma = app::parse_events_csv("student_id,event,date,value\ns1,absence_hours,2026-09-01,\"0,5\"\n",
                                     errors);
  REQUIRE(comma);
  CHECK(comma->empty());
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].reason == "value '0,5' is not a number");
}

TEST_CASE("events CSV: Excel's dates (1.12.2026) are read, and its rows of ';' only skipped",
          "[events][import][csv][dates]") {
  // Excel in Finnish writes dates as d.m.yyyy and leaves ';;;' rows below formatted cells.
  std::vector<app::event_error> errors;
  auto rows = app::parse_events_csv(
      "student_id;event;date;value\r\ns1;absence;1.12.2026;1\r\ns2;absence;01.09.2026;\r\n"
      "s3;absence;2026-09-02;\r\n;;;\r\n; ;;\r\n",
      errors);
  INFO((errors.empty() ? "" : errors[0].reason));
  REQUIRE(rows);
  CHECK(errors.empty());
  REQUIRE(rows->size() == 3);
  CHECK((*rows)[0].date == "2026-12-01");  // stored as YYYY-MM-DD, as the triggers read it
  CHECK((*rows)[1].date == "2026-09-01");
  CHECK((*rows)[2].date == "2026-09-02");

  errors.clear();
  auto bad = app::parse_events_csv(
      "student_id;event;date\ns1;absence;31.2.2026\ns2;absence;12/1/2026\n", errors);
  REQUIRE(bad);
  CHECK(bad->empty());
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].where == 2);
  CHECK(errors[0].reason ==
        "date '31.2.2026' is not a date (YYYY-MM-DD or D.M.YYYY, a day that exists)");
  CHECK(errors[1].where == 3);
}
