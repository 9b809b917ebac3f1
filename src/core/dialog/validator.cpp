#include "tuki/core/dialog/validator.hpp"

#include <functional>
#include <set>

namespace tuki::dialog {
namespace {

class checker {
 public:
  checker(const dialog& d, std::vector<diagnostic>& diags) : d_(d), diags_(diags) {}

  void run() {
    if (!d_.start.empty() && !d_.find(d_.start))
      error(d_.start_location, "", "unknown start node '" + d_.start + "'");
    for (const auto& n : d_.nodes) check_node(n);
    check_reachable();
    check_cycles();
  }

 private:
  void add(diagnostic::severity level, source_location at, const std::string& node,
           std::string msg) {
    diags_.push_back({level, d_.file, at.line, at.column, node, std::move(msg)});
  }
  void error(source_location at, const std::string& node, std::string msg) {
    add(diagnostic::severity::error, at, node, std::move(msg));
  }
  void warning(source_location at, const std::string& node, std::string msg) {
    add(diagnostic::severity::warning, at, node, std::move(msg));
  }

  void check_text(const localized_text& t, const node& n, const std::string& what) {
    if (t.empty()) return;
    source_location at{t.line, t.column};
    if (!t.by_language.count(d_.base_language)) {
      error(at, n.id, what + " has no " + d_.base_language + " (base language) version");
      return;
    }
    std::string missing;
    for (const auto& lang : d_.languages)
      if (!t.by_language.count(lang)) missing += (missing.empty() ? "" : ", ") + lang;
    if (!missing.empty())
      warning(at, n.id,
              what + " has no translation for " + missing + " (" + d_.base_language +
                  " is sent instead)");
  }

  void check_next(const std::optional<std::string>& next, source_location at, const node& n) {
    if (next && !d_.find(*next)) error(at, n.id, "unknown next node '" + *next + "'");
  }

  void check_category_ref(const std::string& name, source_location at, const node& n,
                          const std::string& what) {
    if (!n.categories.count(name))
      error(at, n.id, what + " leads to category '" + name + "', which 'categories' lacks");
  }

  void check_actions(const std::vector<action>& actions, const node& n) {
    for (const auto& a : actions) {
      if (a.type == action::kind::send) check_text(a.text, n, "send text");
      if (a.type == action::kind::ticket && !a.quote.empty()) {
        const node* q = d_.find(a.quote);
        if (!q)
          error(a.quote_location, n.id,
                "ticket quotes the reply at node '" + a.quote + "', which the dialog lacks");
        else if (!q->wait)
          error(a.quote_location, n.id,
                "ticket quotes the reply at node '" + a.quote +
                    "', which does not wait for a reply (only a node that waits has one)");
      }
    }
  }

  void check_node(const node& n) {
    check_text(n.text, n, "text");
    if (n.wait) {
      check_text(n.wait->reminder, n, "reminder");
      if (n.next) error(n.next_location, n.id,
                        "a node that waits for a reply goes on through its categories; remove "
                        "'next' or the wait");
      if (!n.fallback)
        error(n.location, n.id,
              "missing default: a node that waits needs 'default' for replies no case matches");
      if (n.wait->on_timeout) check_category_ref(*n.wait->on_timeout, n.location, n, "on_timeout");
    } else {
      if (!n.cases.empty() || n.fallback || !n.categories.empty())
        error(n.location, n.id,
              "cases, default and categories need a wait (the node does not wait for a reply)");
    }
    std::set<std::string> used;
    for (const auto& c : n.cases) {
      check_category_ref(c.category, c.location, n, "case " + c.id);
      used.insert(c.category);
    }
    if (n.fallback) {
      check_text(n.fallback->hint, n, "hint");
      check_category_ref(n.fallback->fallback, n.fallback->location, n, "default");
      used.insert(n.fallback->fallback);
    }
    if (n.wait && n.wait->on_timeout) used.insert(*n.wait->on_timeout);
    for (const auto& [name, cat] : n.categories) {
      check_next(cat.next, cat.next_location, n);
      check_actions(cat.actions, n);
      if (!used.count(name))
        warning(cat.location, n.id, "category '" + name + "' is never reached by a case");
    }
    check_actions(n.actions, n);
    check_next(n.next, n.next_location, n);
  }

  std::vector<std::string> successors(const node& n) const {
    std::vector<std::string> out;
    if (n.next) out.push_back(*n.next);
    for (const auto& [name, cat] : n.categories)
      if (cat.next) out.push_back(*cat.next);
    return out;
  }

  void check_reachable() {
    const node* start = d_.find(d_.start);
    if (!start) return;
    std::set<std::string> seen{start->id};
    std::vector<const node*> todo{start};
    while (!todo.empty()) {
      const node* n = todo.back();
      todo.pop_back();
      for (const auto& s : successors(*n))
        if (const node* m = d_.find(s); m && seen.insert(s).second) todo.push_back(m);
    }
    for (const auto& n : d_.nodes)
      if (!seen.count(n.id))
        error(n.location, n.id, "unreachable node: no category or 'next' leads here from '" +
                                    d_.start + "'");
  }

  // A cycle through nodes that never wait would loop forever within one reply.
  void check_cycles() {
    std::set<std::string> reported;
    for (const auto& first : d_.nodes) {
      if (first.wait) continue;
      std::vector<std::string> path{first.id};
      const node* n = &first;
      std::set<std::string> on_path{first.id};
      while (n->next && !n->wait) {
        const node* m = d_.find(*n->next);
        if (!m || m->wait) break;
        if (on_path.count(m->id)) {
          if (m->id == first.id && !reported.count(first.id)) {
            std::string cycle;
            for (const auto& p : path) cycle += p + " -> ";
            cycle += m->id;
            for (const auto& p : path) reported.insert(p);
            error(first.location, first.id, "cycle without a wait: " + cycle);
          }
          break;
        }
        path.push_back(m->id);
        on_path.insert(m->id);
        n = m;
      }
    }
  }

  const dialog& d_;
  std::vector<diagnostic>& diags_;
};

}  // namespace

void validate(const dialog& d, std::vector<diagnostic>& diags) { checker(d, diags).run(); }

}  // namespace tuki::dialog
