#include "tuki/core/dialog/graph.hpp"

#include "tuki/core/dialog/text_fold.hpp"

namespace tuki::dialog {
namespace {

std::string escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string shorten(const std::string& s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  return std::string(utf8_prefix(s, max_bytes)) + "…";
}

std::string actions_label(const std::vector<action>& actions, const std::string& category) {
  std::string out;
  for (const auto& a : actions) {
    switch (a.type) {
      case action::kind::ticket:
        out += "\n[ticket " + (a.key.empty() ? category : a.key) + ", " +
               std::string(core::to_string(a.urgency)) + "]";
        break;
      case action::kind::score:
        out += "\n[" + a.key + (a.amount >= 0 ? " +" : " ") + std::to_string(a.amount) + "]";
        break;
      case action::kind::end: out += "\n[end " + a.value + "]"; break;
      case action::kind::opt_out: out += "\n[opt out]"; break;
      case action::kind::send: out += "\n[message]"; break;
      case action::kind::result: break;
    }
  }
  return out;
}

}  // namespace

std::string to_dot(const dialog& d) {
  std::string out;
  out += "digraph \"" + escape(d.id) + "\" {\n";
  out += "  rankdir=TB;\n";
  out += "  node [shape=box, style=rounded, fontname=\"Helvetica\", fontsize=10];\n";
  out += "  edge [fontname=\"Helvetica\", fontsize=9];\n";
  out += "  \"__start\" [shape=point, label=\"\"];\n";
  out += "  \"__start\" -> \"" + escape(d.start) + "\";\n";
  bool any_end = false;
  for (const auto& n : d.nodes) {
    std::string label = n.id;
    if (const text_template* t = n.text.find(d.base_language, d.base_language))
    {
      label += '\n';
      label += shorten(t->source(), 60);
    }
    if (n.wait) {
      std::string w = "waits";
      if (n.wait->timeout && n.wait->max_reminders > 0)
        w += ", " + std::to_string(n.wait->max_reminders) + " reminder(s)";
      label += "\n(" + w + ")";
    }
    out += "  \"" + escape(n.id) + "\" [label=\"" + escape(label) + "\"" +
           (n.wait ? "" : ", style=\"rounded,filled\", fillcolor=\"#eeeeee\"") + "];\n";
  }
  auto edge = [&](const node& from, const std::optional<std::string>& to, std::string label,
                  bool dashed) {
    std::string target = to ? *to : "__end";
    any_end = any_end || !to;
    out += "  \"" + escape(from.id) + "\" -> \"" + escape(target) + "\" [label=\"" +
           escape(label) + "\"" + (dashed ? ", style=dashed" : "") + "];\n";
  };
  for (const auto& n : d.nodes) {
    for (const auto& [name, cat] : n.categories) {
      std::string label = name;
      std::string how;
      for (const auto& c : n.cases) {
        if (c.category != name) continue;
        for (const auto& m : c.match) how += (how.empty() ? "" : " | ") + m->describe();
      }
      if (!how.empty()) label += ": " + shorten(how, 80);
      if (n.fallback && n.fallback->fallback == name)
        label += "\n(default after " + std::to_string(n.fallback->max_hints) + " hint(s))";
      if (n.wait && n.wait->on_timeout == name) label += "\n(on timeout)";
      label += actions_label(cat.actions, name);
      edge(n, cat.next, label, how.empty());
    }
    if (!n.wait) edge(n, n.next, actions_label(n.actions, ""), false);
  }
  if (any_end) out += "  \"__end\" [shape=doublecircle, label=\"end\", width=0.3];\n";
  out += "}\n";
  return out;
}

}  // namespace tuki::dialog
