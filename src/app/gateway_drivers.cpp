#include "tuki/app/gateway_drivers.hpp"

#include <chrono>

#include "tuki/app/config_paths.hpp"
#include "tuki/app/config_regions.hpp"

namespace tuki::app {

core::result<gateway_drivers> make_gateway_drivers(const config::config& cfg) {
  gateway_drivers out;
  for (const auto& g : cfg.gateways) {
    adapters::gateway_settings gs{g.name, g.type, cfg.public_url, g.options};
    gs.clock = [] {
      return core::instant(std::chrono::duration_cast<core::duration>(
          std::chrono::system_clock::now().time_since_epoch()));
    };
    gs.locations = g.locations;
    gs.listen_address = cfg.http.listen;
    auto driver = adapters::make_gateway(gs);
    if (!driver) return driver.error();
    out[g.name] = std::move(*driver);
  }
  return out;
}

core::status check_config(const config::config& cfg) {
  if (auto paths = check_config_paths(cfg); !paths) return paths;
  if (auto regions = check_config_regions(cfg); !regions) return regions;
  return make_gateway_drivers(cfg).error();
}

}  // namespace tuki::app
