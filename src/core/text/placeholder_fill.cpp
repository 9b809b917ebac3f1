#include "tuki/core/text/placeholder_fill.hpp"

namespace tuki::core {

std::string fill_placeholders(std::string_view pattern,
                              std::initializer_list<placeholder_value> values) {
  std::string out;
  out.reserve(pattern.size());
  std::size_t i = 0;
  while (i < pattern.size()) {
    const auto open = pattern.find('{', i);
    if (open == std::string_view::npos) break;
    const auto close = pattern.find('}', open + 1);
    if (close == std::string_view::npos) break;
    const std::string_view name = pattern.substr(open + 1, close - open - 1);
    const placeholder_value* hit = nullptr;
    for (const auto& v : values)
      if (v.first == name) hit = &v;
    if (hit == nullptr) {  // not ours: keep the '{' and look again after it
      out.append(pattern.substr(i, open + 1 - i));
      i = open + 1;
      continue;
    }
    out.append(pattern.substr(i, open - i));
    out.append(hit->second);
    i = close + 1;
  }
  out.append(pattern.substr(i));
  return out;
}

}  // namespace tuki::core
