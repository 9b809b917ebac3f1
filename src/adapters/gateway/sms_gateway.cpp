#include "tuki/adapters/gateway/sms_gateway.hpp"

#include <map>

namespace tuki::adapters {
namespace {

std::map<std::string, gateway_factory>& registry() {
  static std::map<std::string, gateway_factory> r;
  return r;
}

}  // namespace

bool register_gateway_type(const std::string& type, gateway_factory factory) {
  return registry().emplace(type, std::move(factory)).second;
}

core::result<std::unique_ptr<sms_gateway>> make_gateway(const gateway_settings& settings) {
  auto it = registry().find(settings.type);
  if (it == registry().end()) {
    std::string known;
    for (const auto& t : gateway_types()) known += (known.empty() ? "" : ", ") + t;
    return core::status::invalid_argument(settings.locations.locate(
        "type", "gateway '" + settings.name + "': unknown type '" + settings.type +
                    "' (known: " + known + ")"));
  }
  return it->second(settings);
}

std::vector<std::string> gateway_types() {
  std::vector<std::string> out;
  for (const auto& [k, v] : registry()) out.push_back(k);
  return out;
}

}  // namespace tuki::adapters
