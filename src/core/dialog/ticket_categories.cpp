#include "tuki/core/dialog/ticket_categories.hpp"

#include "tuki/core/dialog/yaml_reader.hpp"

namespace tuki::dialog {

std::vector<ticket_category_use> ticket_categories(const dialog& d) {
  std::vector<ticket_category_use> out;
  for (const auto& n : d.nodes) {
    for (const auto& a : n.actions)
      if (a.type == action::kind::ticket && !a.key.empty())
        out.push_back({a.key, n.id, n.location});
    for (const auto& [name, c] : n.categories)
      for (const auto& a : c.actions)
        if (a.type == action::kind::ticket)
          out.push_back({a.key.empty() ? name : a.key, n.id, c.location});
  }
  return out;
}

std::vector<diagnostic> unrouted_ticket_categories(const dialog& d,
                                                   const std::set<std::string>& routed) {
  const std::vector<std::string> names(routed.begin(), routed.end());
  std::vector<diagnostic> out;
  for (const auto& u : ticket_categories(d)) {
    if (routed.count(u.category)) continue;
    std::string msg = "tickets of category '" + u.category +
                      "' match no routing rule and go to the fallback role";
    if (auto near = nearest(u.category, names); !near.empty())
      msg += " (did you mean '" + near + "'?)";
    out.push_back({diagnostic::severity::warning, d.file, u.location.line, u.location.column,
                   u.node_id, msg});
  }
  return out;
}

}  // namespace tuki::dialog
