#pragma once
// The SMS gateway drivers of a configuration. Making them does no I/O, so every command makes
// them (and throws them away) to check the gateways' options before it creates any state.
#include <map>
#include <memory>
#include <string>

#include "tuki/adapters/gateway/sms_gateway.hpp"
#include "tuki/core/config/config.hpp"

namespace tuki::app {

using gateway_drivers = std::map<std::string, std::unique_ptr<adapters::sms_gateway>>;

/// One driver per configured gateway, by name, with the system clock. Errors name the file, line
/// and column, the gateway and the option: "tuki.yaml:14:18: gateway 'tw': option 'account_sid'
/// must be a string".
core::result<gateway_drivers> make_gateway_drivers(const config::config& cfg);

/// What config::load_config cannot check because it needs the file system or the adapters (the
/// paths the config names: config_paths.hpp; the countries: config_regions.hpp; the drivers'
/// options); ok when all of it holds.
/// Commands call it before they open the store.
core::status check_config(const config::config& cfg);

}  // namespace tuki::app
