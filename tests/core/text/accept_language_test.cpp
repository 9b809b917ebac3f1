#include "tuki/core/text/accept_language.hpp"

#include <catch2/catch.hpp>

using tuki::core::accepted_languages;
using list = std::vector<std::string>;

TEST_CASE("Accept-Language: ranges by q-value, ties in the order written", "[text][http]") {
  CHECK(accepted_languages("sv;q=0.9, fi;q=0.8") == list{"sv", "fi"});
  CHECK(accepted_languages("fi;q=0.8, sv;q=0.9") == list{"sv", "fi"});
  CHECK(accepted_languages("fi-FI,fi;q=0.9,en-US;q=0.8,en;q=0.7") ==
        list{"fi-fi", "fi", "en-us", "en"});
  CHECK(accepted_languages("en, sv") == list{"en", "sv"});  // both q=1
  CHECK(accepted_languages("de;q=0.5, sv") == list{"sv", "de"});
  CHECK(accepted_languages("sv;q=1.000, fi;q=0.999") == list{"sv", "fi"});
  CHECK(accepted_languages("  SV ; Q=0.5 ,\tfi ") == list{"fi", "sv"});
  CHECK(accepted_languages("*;q=0.1, fi") == list{"fi", "*"});
}

TEST_CASE("Accept-Language: q=0, malformed items and empty headers choose nothing",
          "[text][http]") {
  CHECK(accepted_languages("").empty());
  CHECK(accepted_languages(" , ,").empty());
  CHECK(accepted_languages("sv;q=0, fi;q=0.000") == list{});
  CHECK(accepted_languages("sv;q=0, fi;q=0.1") == list{"fi"});
  // Bad q-values and characters drop their item only.
  CHECK(accepted_languages("sv;q=2, fi") == list{"fi"});
  CHECK(accepted_languages("sv;q=0.1234, fi;q=abc, en;q=") == list{});
  CHECK(accepted_languages("sv;q=1.5, en") == list{"en"});
  CHECK(accepted_languages("<script>, fi") == list{"fi"});
  CHECK(accepted_languages("fi_FI, sv") == list{"sv"});
}
