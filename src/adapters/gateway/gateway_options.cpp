#include "tuki/adapters/gateway/gateway_options.hpp"

#include <algorithm>

#include "tuki/core/config/server_url.hpp"

namespace tuki::adapters {

gateway_options::gateway_options(std::string gateway_name, nlohmann::json options,
                                 std::string prefix, config::source_locations locations)
    : gateway_name_(std::move(gateway_name)),
      options_(options.is_null() ? nlohmann::json::object() : std::move(options)),
      prefix_(std::move(prefix)),
      locations_(std::move(locations)) {}

gateway_options::gateway_options(const gateway_settings& settings)
    : gateway_options(settings.name, settings.options, "", settings.locations) {}

core::status gateway_options::error(std::string_view key, std::string_view problem) const {
  return option_error(prefix_ + std::string(key), problem);
}

core::status gateway_options::option_error(const std::string& path,
                                           std::string_view problem) const {
  return core::status::invalid_argument(locations_.locate(
      path, "gateway '" + gateway_name_ + "': option '" + path + "' " + std::string(problem)));
}

core::status gateway_options::gateway_error(std::string_view problem) const {
  return core::status::invalid_argument(
      locations_.locate("", "gateway '" + gateway_name_ + "': " + std::string(problem)));
}

core::status gateway_options::check_keys(std::initializer_list<std::string_view> known) const {
  if (!options_.is_object()) {
    if (prefix_.empty()) return gateway_error("options must be a mapping");
    return option_error(prefix_.substr(0, prefix_.size() - 1), "must be a mapping");
  }
  for (const auto& [key, value] : options_.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      std::string list;
      for (auto k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      return error(key, "is unknown (known: " + list + ")");
    }
  }
  return core::status::ok();
}

const nlohmann::json* gateway_options::find(std::string_view key) const {
  if (!options_.is_object()) return nullptr;
  auto it = options_.find(std::string(key));
  if (it == options_.end() || it->is_null()) return nullptr;
  return &*it;
}

bool gateway_options::has(std::string_view key) const { return find(key) != nullptr; }

core::result<std::string> gateway_options::required_string(std::string_view key) const {
  const auto* v = find(key);
  if (!v) return error(key, "is required");
  if (!v->is_string()) return error(key, "must be a string");
  if (v->get_ref<const std::string&>().empty()) return error(key, "must not be empty");
  return v->get<std::string>();
}

core::result<std::string> gateway_options::string_or(std::string_view key,
                                                     std::string fallback) const {
  const auto* v = find(key);
  if (!v) return fallback;
  if (!v->is_string()) return error(key, "must be a string");
  return v->get<std::string>();
}

core::result<std::string> gateway_options::required_url(std::string_view key) const {
  auto v = required_string(key);
  if (!v) return v;
  // The URL may carry credentials (user info, a token in the query): the error names the problem,
  // never the URL.
  auto url = config::parse_server_url(*v);
  if (!url || (url->scheme != "http" && url->scheme != "https"))
    return error(key, "must be an http:// or https:// URL" +
                          (url || !v->starts_with("http") ? "" : ": " + url.error().message()));
  while (v->back() == '/') v->pop_back();
  return v;
}

core::result<std::string> gateway_options::url_or(std::string_view key,
                                                  std::string fallback) const {
  if (!has(key)) return fallback;
  return required_url(key);
}

core::result<std::int64_t> gateway_options::integer_or(std::string_view key, std::int64_t fallback,
                                                       std::int64_t min, std::int64_t max) const {
  const auto* v = find(key);
  if (!v) return fallback;
  if (!v->is_number_integer()) return error(key, "must be an integer");
  // Unsigned values above int64's range are out of every range we accept.
  if (v->is_number_unsigned() && v->get<std::uint64_t>() > static_cast<std::uint64_t>(max))
    return error(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  auto n = v->get<std::int64_t>();
  if (n < min || n > max)
    return error(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  return n;
}

core::result<gateway_options> gateway_options::object(std::string_view key) const {
  const auto* v = find(key);
  if (!v)
    return gateway_options(gateway_name_, nlohmann::json::object(),
                           prefix_ + std::string(key) + ".", locations_);
  if (!v->is_object()) return error(key, "must be a mapping");
  return gateway_options(gateway_name_, *v, prefix_ + std::string(key) + ".", locations_);
}

core::result<std::vector<std::pair<std::string, std::string>>> gateway_options::string_map(
    std::string_view key) const {
  std::vector<std::pair<std::string, std::string>> out;
  const auto* v = find(key);
  if (!v) return out;
  if (!v->is_object()) return error(key, "must be a mapping of strings");
  for (const auto& [k, value] : v->items()) {
    if (!value.is_string()) return error(std::string(key) + "." + k, "must be a string");
    out.emplace_back(k, value.get<std::string>());
  }
  return out;
}

core::result<std::vector<std::string>> gateway_options::string_list(std::string_view key) const {
  std::vector<std::string> out;
  const auto* v = find(key);
  if (!v) return out;
  if (!v->is_array()) return error(key, "must be a list of strings");
  for (const auto& item : *v) {
    if (!item.is_string()) return error(key, "must be a list of strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

}  // namespace tuki::adapters
