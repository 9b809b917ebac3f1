#include "tuki/core/yaml_syntax.hpp"

#include <algorithm>

namespace tuki::core {

std::string yaml_syntax_message(const YAML::Exception& e, std::string_view text) {
  std::string out = "YAML syntax: " + e.msg;
  const int last = e.mark.line;  // 0-based; -1 when unknown
  int line = 0;
  for (std::size_t at = 0; at <= text.size() && (last < 0 || line <= last); ++line) {
    const auto end = std::min(text.find('\n', at), text.size());
    for (auto c = at; c < end && (text[c] == ' ' || text[c] == '\t'); ++c)
      if (text[c] == '\t')
        return out + " (line " + std::to_string(line + 1) +
               " is indented with a tab: YAML indents with spaces only)";
    at = end + 1;
  }
  if (last > 0)
    out += " (the mistake may be on a line above: check indentation, quotes and brackets)";
  return out;
}

}  // namespace tuki::core
