#include "tuki/core/yaml_syntax.hpp"

#include <algorithm>
#include <vector>

namespace tuki::core {

std::string yaml_syntax_message(const YAML::Exception& e, std::string_view text) {
  std::string out = "YAML syntax: " + e.msg;
  // The lines, and whether each is indented with a tab (blank lines are not: YAML allows them).
  std::vector<std::string_view> lines;
  for (std::size_t at = 0; at <= text.size();) {
    const auto end = std::min(text.find('\n', at), text.size());
    lines.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  auto tab_indented = [](std::string_view l) {
    const auto first = l.find_first_not_of(" \t\r");
    return first != std::string_view::npos &&
           l.substr(0, first).find('\t') != std::string_view::npos;
  };
  const int last = e.mark.line;  // 0-based; -1 when unknown
  if (last >= 0 && static_cast<std::size_t>(last) < lines.size()) {
    // The error's line, then the nearest line above it with content: where a tab misleads.
    int above = last - 1;
    while (above >= 0 && lines[static_cast<std::size_t>(above)].find_first_not_of(" \t\r") ==
                             std::string_view::npos)
      --above;
    for (int l : {last, above})
      if (l >= 0 && tab_indented(lines[static_cast<std::size_t>(l)]))
        return out + " (line " + std::to_string(l + 1) +
               " is indented with a tab: YAML indents with spaces only)";
  }
  if (last > 0)
    out += " (the mistake may be on a line above: check indentation, quotes and brackets)";
  return out;
}

}  // namespace tuki::core
