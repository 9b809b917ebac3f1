// An institution's country that libphonenumber does not know is reported at its line before any
// command runs, instead of as a bad phone number on every row of the next import.
#include "tuki/app/config_regions.hpp"

#include <catch2/catch.hpp>

#include "tuki/app/gateway_drivers.hpp"

using namespace tuki;

namespace {

config::config parse(const std::string& institutions) {
  auto cfg = config::parse_config(
      "gateways:\n  - name: console\n    type: console\ninstitutions:\n" + institutions,
      "tuki.yaml", [](const std::string&) -> std::optional<std::string> { return std::nullopt; });
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
