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

namespace {

// ", in institution 'a' and institution 'b'" for the routings named; "" when none has a name.
std::string in_routings(const std::vector<const routed_categories*>& routings) {
  std::string names;
  for (std::size_t i = 0; i < routings.size(); ++i) {
    if (routings[i]->name.empty()) continue;
    if (!names.empty()) names += i + 1 == routings.size() ? " and " : ", ";
    names += routings[i]->name;
  }
  return names.empty() ? "" : ", in " + names;
}

}  // namespace

std::vector<diagnostic> unrouted_ticket_categories(const dialog& d,
                                                   const std::vector<routed_categories>& routings) {
  std::vector<diagnostic> out;
  for (const auto& u : ticket_categories(d)) {
    std::vector<const routed_categories*> missing, conditional;
    std::set<std::string> names;  // the missing routings' categories, for "did you mean"
    for (const auto& r : routings) {
      if (r.always.count(u.category)) continue;
      if (r.only_when.count(u.category)) {
        conditional.push_back(&r);
        continue;
      }
      missing.push_back(&r);
      names.insert(r.always.begin(), r.always.end());
      for (const auto& [category, where] : r.only_when) names.insert(category);
    }
    auto warn = [&](std::string msg) {
      out.push_back({diagnostic::severity::warning, d.file, u.location.line, u.location.column,
                     u.node_id, std::move(msg)});
    };
    if (!missing.empty()) {
      std::string msg = "tickets of category '" + u.category +
                        "' match no routing rule and go to the fallback role";
      if (auto near = nearest(u.category, std::vector<std::string>(names.begin(), names.end()));
          !near.empty())
        msg += " (did you mean '" + near + "'?)";
      warn(msg + in_routings(missing));
    }
    if (!conditional.empty())
      warn("tickets of category '" + u.category + "' match routing rules only under their " +
           "conditions (" + conditional.front()->only_when.at(u.category) +
           "); the others go to the fallback role" + in_routings(conditional));
  }
  return out;
}

}  // namespace tuki::dialog
