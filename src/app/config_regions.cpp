#include "tuki/app/config_regions.hpp"

#include <string>

#include "tuki/adapters/phone/phone_normalizer.hpp"

namespace tuki::app {

core::status check_config_regions(const config::config& cfg) {
  std::string errors;
  for (std::size_t i = 0; i < cfg.institutions.size(); ++i) {
    const std::string key = "institutions[" + std::to_string(i) + "].country";
    const auto& country = cfg.institutions[i].country;
    if (cfg.locations.find(key).empty() || adapters::is_phone_region(country)) continue;
    errors += (errors.empty() ? "" : "\n") +
              cfg.locations.locate(key, key + ": '" + country +
                                            "' is not a country whose phone numbers tuki can "
                                            "read (an ISO 3166 code such as FI)");
  }
  if (errors.empty()) return core::status::ok();
  return core::status::invalid_argument(errors);
}

}  // namespace tuki::app
