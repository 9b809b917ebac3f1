#include "tuki/core/dialog/diagnostic.hpp"

namespace tuki::dialog {

std::string diagnostic::to_string() const {
  std::string s = file;
  if (line > 0) s += ":" + std::to_string(line) + ":" + std::to_string(column);
  s += level == severity::error ? ": error: " : ": warning: ";
  if (!node_id.empty()) s += "node " + node_id + ": ";
  s += message;
  return s;
}

bool has_errors(const std::vector<diagnostic>& diags) {
  for (const auto& d : diags)
    if (d.level == diagnostic::severity::error) return true;
  return false;
}

std::string join(const std::vector<diagnostic>& diags) {
  std::string s;
  for (const auto& d : diags) {
    if (!s.empty()) s += '\n';
    s += d.to_string();
  }
  return s;
}

}  // namespace tuki::dialog
