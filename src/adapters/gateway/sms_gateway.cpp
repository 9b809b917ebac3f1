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

send_result http_refusal(int status, std::string detail) {
  if (status == 408 || status == 425 || status == 429 || status >= 500)
    return {send_outcome::retryable, "", std::move(detail)};
  const bool account = status < 200 || (status >= 300 && status < 400) || status == 401 ||
                       status == 402 || status == 403 || status == 404 || status == 405 ||
                       status == 407 || status == 410;
  if (account) return {send_outcome::retryable, "", std::move(detail), true};
  return {send_outcome::permanent, "", std::move(detail)};
}

std::vector<std::string> gateway_types() {
  std::vector<std::string> out;
  for (const auto& [k, v] : registry()) out.push_back(k);
  return out;
}

}  // namespace tuki::adapters
