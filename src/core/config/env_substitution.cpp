#include "tuki/core/config/env_substitution.hpp"

#include <cctype>
#include <cstdlib>

namespace tuki::config {

env_lookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    if (const char* v = std::getenv(name.c_str())) return std::string(v);
    return std::nullopt;
  };
}

core::result<std::string> substitute_env(std::string_view value, const env_lookup& env) {
  std::string out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (c != '$' || i + 1 >= value.size()) {
      out.push_back(c);
      continue;
    }
    if (value[i + 1] == '$') {
      out.push_back('$');
      ++i;
      continue;
    }
    if (value[i + 1] != '{') {
      out.push_back(c);
      continue;
    }
    auto close = value.find('}', i + 2);
    if (close == std::string_view::npos)
      return core::status::invalid_argument("unterminated '${' in '" + std::string(value) + "'");
    std::string_view expr = value.substr(i + 2, close - i - 2);
    std::string_view name = expr;
    std::optional<std::string_view> fallback;
    if (auto sep = expr.find(":-"); sep != std::string_view::npos) {
      name = expr.substr(0, sep);
      fallback = expr.substr(sep + 2);
    }
    bool valid = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0]));
    for (char n : name)
      valid = valid && (std::isalnum(static_cast<unsigned char>(n)) || n == '_');
    if (!valid)
      return core::status::invalid_argument("bad variable name '" + std::string(name) +
                                            "' in '${" + std::string(expr) + "}'");
    auto v = env(std::string(name));
    if (v && !(fallback && v->empty())) {
      out += *v;
    } else if (fallback) {
      out += *fallback;
    } else {
      return core::status::invalid_argument("environment variable " + std::string(name) +
                                            " is not set (write ${" + std::string(name) +
                                            ":-default} to give a default)");
    }
    i = close;
  }
  return out;
}

}  // namespace tuki::config
