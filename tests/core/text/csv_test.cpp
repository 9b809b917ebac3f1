#include "tuki/core/text/csv.hpp"

#include <catch2/catch.hpp>

using namespace tuki::core;

TEST_CASE("guess_csv_delimiter takes ';' only for a header separated by ';' alone", "[text][csv]") {
  CHECK(guess_csv_delimiter("a,b,c\n1;2,3\n") == ',');
  CHECK(guess_csv_delimiter("a;b;c\r\n1;2;3\n") == ';');
  CHECK(guess_csv_delimiter("\xEF\xBB\xBF" "a;b\n") == ';');
  CHECK(guess_csv_delimiter("a;b,c\n") == ',');          // mixed: not clearly ';'
  CHECK(guess_csv_delimiter("\"a;b\"\n") == ',');        // ';' inside quotes does not count
  CHECK(guess_csv_delimiter("\"x,y\";b\n") == ';');      // ',' inside quotes does not count
  CHECK(guess_csv_delimiter("") == ',');
  CHECK(guess_csv_delimiter("abc\n") == ',');
}

TEST_CASE("csv_reader splits on the delimiter it is given", "[text][csv]") {
  csv_reader r("a;\"b;c\";d,e\n1;2;3\n", ';');
  csv_row row;
  REQUIRE(r.next(row));
  CHECK(row.fields == std::vector<std::string>{"a", "b;c", "d,e"});
  REQUIRE(r.next(row));
  CHECK(row.line == 2);
  CHECK(row.fields == std::vector<std::string>{"1", "2", "3"});
  CHECK_FALSE(r.next(row));
  CHECK(r.error().is_ok());
}
