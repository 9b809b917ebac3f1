#pragma once
// Reading a gateway driver's `options` (JSON converted from the YAML config) with errors that
// name where the key stands (when the options came from a file), the gateway and the key:
// "config/tuki.yaml:14:18: gateway 'tw': option 'account_sid' must be a string". Used by the
// drivers' factories at start-up; every error is core::status::invalid_argument.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "tuki/adapters/gateway/sms_gateway.hpp"
#include "tuki/core/config/source_locations.hpp"
#include "tuki/core/status.hpp"

namespace tuki::adapters {

class gateway_options {
 public:
  /// `options` is copied. Null reads as an empty object. `prefix` is how nested objects are named
  /// in messages ("send." gives "option 'send.url'").
  gateway_options(std::string gateway_name, nlohmann::json options, std::string prefix = "",
                  config::source_locations locations = {});
  /// The options of `settings`, with their locations in the configuration file.
  explicit gateway_options(const gateway_settings& settings);

  /// invalid_argument unless the options are an object (or null), and none of its keys is
  /// outside `known` (catches typos such as 'acount_sid', which would otherwise silently
  /// leave a feature off).
  core::status check_keys(std::initializer_list<std::string_view> known) const;
  /// True when the key is present and not null.
  bool has(std::string_view key) const;

  core::result<std::string> required_string(std::string_view key) const;
  /// The string at `key`, or `fallback` when absent or null.
  core::result<std::string> string_or(std::string_view key, std::string fallback) const;
  /// Like required_string / string_or, but the value must be an http:// or https:// URL with a
  /// host and a valid port, if any; a trailing '/' is removed. Errors do not quote the URL.
  core::result<std::string> required_url(std::string_view key) const;
  core::result<std::string> url_or(std::string_view key, std::string fallback) const;
  /// An integer in [min, max], or `fallback` when absent or null.
  core::result<std::int64_t> integer_or(std::string_view key, std::int64_t fallback,
                                        std::int64_t min, std::int64_t max) const;
  /// A nested object (absent or null gives an empty one), named "<prefix><key>." in messages.
  core::result<gateway_options> object(std::string_view key) const;
  /// An object of string values, in key order (e.g. HTTP headers). Absent gives {}.
  core::result<std::vector<std::pair<std::string, std::string>>> string_map(
      std::string_view key) const;
  /// A list of strings. Absent gives {}.
  core::result<std::vector<std::string>> string_list(std::string_view key) const;

  /// "<file:line:col>: gateway '<name>': option '<prefix><key>' <problem>" as invalid_argument
  /// (the location of the key, else of the nearest enclosing one; none when unknown).
  core::status error(std::string_view key, std::string_view problem) const;
  /// "<file:line:col of the gateway>: gateway '<name>': <problem>", for what is not one key's.
  core::status gateway_error(std::string_view problem) const;
  const std::string& gateway_name() const { return gateway_name_; }
  const nlohmann::json& json() const { return options_; }

 private:
  const nlohmann::json* find(std::string_view key) const;
  /// error() for a full option path ("send.url").
  core::status option_error(const std::string& path, std::string_view problem) const;

  std::string gateway_name_;
  nlohmann::json options_;
  std::string prefix_;
  config::source_locations locations_;
};

}  // namespace tuki::adapters
