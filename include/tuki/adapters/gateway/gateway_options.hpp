#pragma once
// Reading a gateway driver's `options` (JSON converted from the YAML config) with errors that
// name the gateway and the key: "gateway 'tw': option 'account_sid' is required". Used by the
// drivers' factories at start-up; every error is core::status::invalid_argument.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "tuki/core/status.hpp"

namespace tuki::adapters {

class gateway_options {
 public:
  /// `options` is copied. Null reads as an empty object. `prefix` is how nested objects are named
  /// in messages ("send." gives "option 'send.url'").
  gateway_options(std::string gateway_name, nlohmann::json options, std::string prefix = "");

  /// invalid_argument unless the options are an object (or null), and none of its keys is
  /// outside `known` (catches typos such as 'acount_sid', which would otherwise silently
  /// leave a feature off).
  core::status check_keys(std::initializer_list<std::string_view> known) const;
  /// True when the key is present and not null.
  bool has(std::string_view key) const;

  core::result<std::string> required_string(std::string_view key) const;
  /// The string at `key`, or `fallback` when absent or null.
  core::result<std::string> string_or(std::string_view key, std::string fallback) const;
  /// Like required_string / string_or, but the value must be an http:// or https:// URL; a
  /// trailing '/' is removed.
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

  /// "gateway '<name>': option '<prefix><key>' <problem>" as invalid_argument.
  core::status error(std::string_view key, std::string_view problem) const;
  const std::string& gateway_name() const { return gateway_name_; }
  const nlohmann::json& json() const { return options_; }

 private:
  const nlohmann::json* find(std::string_view key) const;

  std::string gateway_name_;
  nlohmann::json options_;
  std::string prefix_;
};

}  // namespace tuki::adapters
