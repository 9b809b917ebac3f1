// Zone lookup by name: cached, with the institution's zone as the default for a student whose
// own zone is empty or unknown.
#include "tuki/core/schedule/zone_cache.hpp"

#include <catch2/catch.hpp>

using namespace tuki;

TEST_CASE("zone_cache finds zones and falls back for empty or unknown names", "[schedule]") {
  schedule::zone_cache zones;
  const auto* helsinki = date::locate_zone("Europe/Helsinki");
  const auto new_york = zones.find("America/New_York");
  REQUIRE(new_york);
  CHECK((*new_york)->name() == "America/New_York");
  const auto unknown = zones.find("Europe/Helsinky");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().error_code() == core::status::code::not_found);

  CHECK(zones.find_or("America/New_York", helsinki) == *new_york);
  CHECK(zones.find_or("", helsinki) == helsinki);
  CHECK(zones.find_or("Europe/Helsinky", helsinki) == helsinki);
  CHECK(zones.find_or("", nullptr) == nullptr);
}
