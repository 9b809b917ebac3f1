// An institution's country that libphonenumber does not know is reported at its line before any
// command runs, instead of as a bad phone number on every row of the next import.
#include "tuki/app/config_regions.hpp"

#include <catch2/catch.hpp>

#include "tuki/app/gateway_drivers.hpp"

using namespace tuki;

namespace {

// `env`: the one environment variable set, as {name, value}; none when the name is empty.
config::config parse(const std::string& institutions,
                     std::pair<std::string, std::string> env = {}) {
  auto cfg = config::parse_config(
      "gateways:\n  - name: console\n    type: console\ninstitutions:\n" + institutions,
      "tuki.yaml", [env](const std::string& name) -> std::optional<std::string> {
        if (!env.first.empty() && name == env.first) return env.second;
        return std::nullopt;
      });
  INFO(cfg.error().to_string());
  REQUIRE(cfg);
  return *cfg;
}

}  // namespace

TEST_CASE("an institution's country must be a region libphonenumber knows", "[config][phone]") {
  auto known = parse("  - id: varia\n    gateway: console\n    country: LT\n");
  CHECK(app::check_config_regions(known).is_ok());
  auto unset = parse("  - id: varia\n    gateway: console\n");  // the default, FI
  CHECK(app::check_config_regions(unset).is_ok());

  auto unknown = parse(
      "  - id: varia\n    gateway: console\n    country: FI\n"
      "  - id: omnia\n    gateway: console\n    country: XX\n");
  auto st = app::check_config_regions(unknown);
  REQUIRE_FALSE(st.is_ok());
  CHECK(st.message() ==
        "tuki.yaml:10:14: institutions[1].country: 'XX' is not a country whose phone numbers tuki "
        "can read (an ISO 3166 code such as FI)");
  // Every command's check runs it.
  CHECK(app::check_config(unknown).message() == st.message());
}

TEST_CASE("a country from the environment that libphonenumber does not know names its variable",
          "[config][phone]") {
  auto from_env = parse("  - id: varia\n    gateway: console\n    country: ${TUKI_COUNTRY}\n",
                        {"TUKI_COUNTRY", "XX"});
  auto st = app::check_config_regions(from_env);
  REQUIRE_FALSE(st.is_ok());
  CHECK(st.message() ==
        "tuki.yaml:7:14: institutions[0].country: 'XX' is not a country whose phone numbers tuki "
        "can read (an ISO 3166 code such as FI) (from ${TUKI_COUNTRY})");
  CHECK(app::check_config(from_env).message() == st.message());
  // The default of ${NAME:-default} too: the file shows only the reference.
  auto by_default =
      parse("  - id: varia\n    gateway: console\n    country: ${TUKI_COUNTRY:-XX}\n");
  CHECK_THAT(app::check_config_regions(by_default).message(),
             Catch::EndsWith("'XX' is not a country whose phone numbers tuki can read (an ISO "
                             "3166 code such as FI) (from ${TUKI_COUNTRY:-XX})"));

  // Written in the file, the value is on the line the error names: nothing is added.
  auto literal =
      parse("  - id: varia\n    gateway: console\n    country: XX\n", {"TUKI_COUNTRY", "XX"});
  CHECK_THAT(app::check_config_regions(literal).message(),
             Catch::EndsWith("(an ISO 3166 code such as FI)"));
}
