#include "tuki/adapters/http/http_url.hpp"
#include "tuki/core/text/ascii_case.hpp"


namespace tuki::adapters {

std::string http_url::host_header() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return port == "80" ? h : h + ":" + port;
}

std::optional<http_url> parse_http_url(std::string_view url) {
  constexpr std::string_view scheme = "http://";
  if (!core::ascii_istarts_with(url, scheme)) return std::nullopt;
  url.remove_prefix(scheme.size());
  if (auto hash = url.find('#'); hash != std::string_view::npos) url = url.substr(0, hash);
  auto end = url.find_first_of("/?");
  std::string_view authority = url.substr(0, end);
  std::string_view rest = end == std::string_view::npos ? std::string_view{} : url.substr(end);
  if (authority.find('@') != std::string_view::npos) return std::nullopt;

  http_url out;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    out.host = std::string(authority.substr(1, close - 1));
    auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      port = after.substr(1);
    }
  } else {
    auto colon = authority.find(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (out.host.empty()) return std::nullopt;
  if (port.empty()) {
    out.port = "80";
  } else {
    if (port.size() > 5) return std::nullopt;
    unsigned value = 0;
    for (char c : port) {
      if (c < '0' || c > '9') return std::nullopt;
      value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value == 0 || value > 65535) return std::nullopt;
    out.port = std::to_string(value);
  }
  if (rest.empty()) out.target = "/";
  else if (rest.front() == '?') out.target = "/" + std::string(rest);
  else out.target = std::string(rest);
  return out;
}

}  // namespace tuki::adapters
