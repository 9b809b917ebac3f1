#include "tuki/app/csv_import_text.hpp"

#include <catch2/catch.hpp>

using namespace tuki;

TEST_CASE("an import file must be UTF-8; Latin-1 gets the line, column and a hint", "[import][utf8]") {
  CHECK(app::check_csv_encoding("id,name\ns1,Mäkinen\n").is_ok());
  CHECK(app::check_csv_encoding("\xEF\xBB\xBF" "id,name\ns1,Mäkinen\n").is_ok());  // BOM
  auto st = app::check_csv_encoding("\xEF\xBB\xBF" "id,name\ns1,Åsa\ns2,M\xE4kinen,x\n");
  REQUIRE_FALSE(st.is_ok());
  const std::string m = st.message();
  INFO(m);
  CHECK_THAT(m, Catch::StartsWith("line 3, column 5: byte 0xE4 is not UTF-8"));
  CHECK_THAT(m, Catch::Contains("Latin-1/Windows-1252"));
  CHECK_THAT(m, Catch::Contains("'Mäkinen'"));
  CHECK_THAT(m, Catch::Contains("save it as UTF-8"));
  auto utf16 = app::check_csv_encoding(std::string_view("\xFF\xFEi\0d\0", 6));
  CHECK_THAT(utf16.message(), Catch::Contains("UTF-16"));
}

TEST_CASE("an import file separated by ';' is read so", "[import][csv]") {
  auto r = app::open_import_csv("a;b\n1,5;2\n");
  core::csv_row row;
  REQUIRE(r.next(row));
  REQUIRE(r.next(row));
  CHECK(row.fields == std::vector<std::string>{"1,5", "2"});
}

TEST_CASE("import rows of separators only are skipped like blank lines", "[import][csv]") {
  // Excel writes ';;;;' rows below the data when empty cells there were formatted.
  auto r = app::open_import_csv("a;b;c\r\n1;2;3\r\n;;\r\n\r\n ; ;\r\n4;;\r\n;;\r\n");
  core::csv_row row;
  REQUIRE(app::next_import_row(r, row));  // the header
  REQUIRE(app::next_import_row(r, row));
  CHECK(row.line == 2);
  REQUIRE(app::next_import_row(r, row));
  CHECK(row.line == 6);
  CHECK(row.fields == std::vector<std::string>{"4", "", ""});
  CHECK_FALSE(app::next_import_row(r, row));
  CHECK(r.error().is_ok());
}

TEST_CASE("import dates: YYYY-MM-DD or D.M.YYYY, kept as YYYY-MM-DD", "[import][dates]") {
  CHECK(app::import_date("2026-08-10").value() == "2026-08-10");
  CHECK(app::import_date("10.8.2026").value() == "2026-08-10");
  CHECK(app::import_date("10.08.2026").value() == "2026-08-10");
  auto bad = app::import_date("31.2.2026");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message() ==
        "'31.2.2026' is not a date (YYYY-MM-DD or D.M.YYYY, a day that exists)");
  CHECK_FALSE(app::import_date("8/10/2026"));
  CHECK_FALSE(app::import_date("2026-02-30"));
}
