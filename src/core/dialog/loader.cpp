#include "tuki/core/dialog/loader.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

#include "tuki/core/dialog/migration.hpp"
#include "tuki/core/dialog/placeholders.hpp"
#include "tuki/core/dialog/text_length.hpp"
#include "tuki/core/dialog/validator.hpp"
#include "tuki/core/dialog/yaml_reader.hpp"
#include "tuki/core/yaml_syntax.hpp"

namespace tuki::dialog {
namespace {

source_location where(const YAML::Node& n) {
  if (!n.IsDefined()) return {};
  auto m = n.Mark();
  if (m.line < 0) return {};
  return {m.line + 1, m.column + 1};
}

class dialog_reader {
 public:
  dialog_reader(yaml_reader& r, dialog& d, const folded_lexicons& lex)
      : r_(r), d_(d), lex_(lex) {}

  void read(const YAML::Node& root) {
    r_.map(root, "the dialog",
           {"tuki_dialog", "id", "description", "base_language", "languages", "expiry", "start",
            "settings", "scoring", "nodes"});
    for (auto key : {"id", "base_language", "languages", "start", "nodes"}) r_.require(root, key);
    if (root["id"]) {
      if (auto s = r_.string(root["id"], "id")) d_.id = *s;
      d_.id_location = where(root["id"]);
    }
    if (root["base_language"])
      if (auto s = r_.string(root["base_language"], "base_language")) d_.base_language = *s;
    if (root["languages"])
      if (auto l = r_.strings(root["languages"], "languages")) d_.languages = *l;
    if (!d_.base_language.empty() &&
        std::find(d_.languages.begin(), d_.languages.end(), d_.base_language) ==
            d_.languages.end())
      d_.languages.insert(d_.languages.begin(), d_.base_language);
    if (root["expiry"])
      if (auto e = r_.duration(root["expiry"], "expiry")) d_.expiry = *e;
    if (root["start"]) {
      if (auto s = r_.string(root["start"], "start")) d_.start = *s;
      d_.start_location = where(root["start"]);
    }
    if (root["settings"]) read_settings(root["settings"]);
    d_.sets = d_.settings.accent_folding ? lex_.accent_folded : lex_.accent_kept;
    if (root["scoring"]) read_scoring(root["scoring"]);
    if (root["nodes"] && r_.is_list(root["nodes"], "nodes"))
      for (const auto& n : root["nodes"]) read_node(n);
    r_.set_node("");
    resolve_next();
  }

 private:
  // Node ids to indices and case categories to their definitions, so that a step walks
  // without looking names up. Unknown ones stay unresolved (the validator reports them).
  void resolve_next() {
    auto index = [&](const std::optional<std::string>& id) {
      if (!id) return no_node;
      auto it = d_.node_index.find(*id);
      return it == d_.node_index.end() ? no_node : it->second;
    };
    d_.start_index = index(d_.start);
    for (auto& nd : d_.nodes) {
      nd.next_index = index(nd.next);
      for (auto& [name, cd] : nd.categories) cd.next_index = index(cd.next);
      for (auto& c : nd.cases)
        if (auto it = nd.categories.find(c.category); it != nd.categories.end())
          c.definition = &it->second;
    }
    // The nodes whose replies a ticket quotes: the session keeps their replies.
    auto mark_quoted = [&](const std::vector<action>& actions) {
      for (const auto& a : actions)
        if (a.type == action::kind::ticket && !a.quote.empty())
          if (auto it = d_.node_index.find(a.quote); it != d_.node_index.end())
            d_.nodes[it->second].quoted = true;
    };
    for (const auto& nd : d_.nodes) {
      mark_quoted(nd.actions);
      for (const auto& [name, cd] : nd.categories) mark_quoted(cd.actions);
    }
  }

  void read_settings(const YAML::Node& n) {
    if (!r_.map(n, "settings", {"accent_folding", "max_steps_per_reply", "max_visits_per_node"}))
      return;
    if (n["accent_folding"])
      if (auto b = r_.boolean(n["accent_folding"], "accent_folding"))
        d_.settings.accent_folding = *b;
    read_positive(n["max_steps_per_reply"], "max_steps_per_reply",
                  d_.settings.max_steps_per_reply);
    read_positive(n["max_visits_per_node"], "max_visits_per_node",
                  d_.settings.max_visits_per_node);
  }

  void read_positive(const YAML::Node& n, std::string_view what, int& into) {
    if (!n) return;
    auto v = r_.integer(n, what);
    if (!v) return;
    if (*v < 1 || *v > 1000) {
      r_.error(n, std::string(what) + " must be between 1 and 1000");
      return;
    }
    into = static_cast<int>(*v);
  }

  void read_scoring(const YAML::Node& n) {
    if (!r_.is_list(n, "scoring")) return;
    for (const auto& t : n) {
      if (!r_.map(t, "a scoring threshold", {"score", "at_least", "flag", "urgency"})) continue;
      threshold th;
      bool ok = r_.require(t, "score") & r_.require(t, "at_least") & r_.require(t, "flag");
      if (!ok) continue;
      auto score = r_.string(t["score"], "score");
      auto at = r_.integer(t["at_least"], "at_least");
      auto flag = r_.string(t["flag"], "flag");
      if (!score || !at || !flag) continue;
      th.score = *score;
      th.at_least = static_cast<int>(*at);
      th.flag = *flag;
      if (t["urgency"]) th.urgency = read_urgency(t["urgency"]);
      d_.thresholds.push_back(std::move(th));
    }
  }

  std::optional<core::urgency> read_urgency(const YAML::Node& n) {
    auto s = r_.string(n, "urgency");
    if (!s) return std::nullopt;
    auto u = core::parse_urgency(*s);
    if (!u) r_.error(n, "urgency must be normal, high or urgent, not '" + *s + "'");
    return u;
  }

  localized_text read_text(const YAML::Node& n, std::string_view what) {
    localized_text t;
    auto loc = where(n);
    t.line = loc.line;
    t.column = loc.column;
    if (n.IsScalar()) {
      t.by_language.emplace(d_.base_language, checked_text(n, n.Scalar(), what, d_.base_language));
      t.resolve(d_.languages, d_.base_language);
      return t;
    }
    if (!n.IsMap()) {
      r_.error(n, std::string(what) + " must be a text or a map from language to text");
      return t;
    }
    for (auto it = n.begin(); it != n.end(); ++it) {
      auto lang = r_.string(it->first, "a language code");
      auto text = r_.string(it->second, what);
      if (!lang || !text) continue;
      if (std::find(d_.languages.begin(), d_.languages.end(), *lang) == d_.languages.end()) {
        r_.error(it->first, "language '" + *lang + "' of " + std::string(what) +
                                " is not in the dialog's languages");
        continue;
      }
      t.by_language.emplace(*lang, checked_text(it->second, *text, what, *lang));
    }
    t.resolve(d_.languages, d_.base_language);
    return t;
  }

  // A placeholder tuki never fills, or a brace that makes no placeholder, would reach the
  // student as written: an error at the text. So is a text longer than gateways send; one
  // longer than advised is a warning (text_length.hpp).
  text_template checked_text(const YAML::Node& at, const std::string& text, std::string_view what,
                             const std::string& lang) {
    text_template t(text);
    for (auto& msg : placeholder_errors(t, dialog_placeholders()))
      r_.error(at, std::string(what) + " (" + lang + "): " + msg);
    if (auto f = text_length_finding_for(text)) {
      auto msg = std::string(what) + " (" + lang + ") " + f->message;
      f->error ? r_.error(at, std::move(msg)) : r_.warning(at, std::move(msg));
    }
    return t;
  }

  std::vector<std::unique_ptr<matcher>> read_matchers(const YAML::Node& n) {
    std::vector<std::unique_ptr<matcher>> out;
    auto one = [&](const YAML::Node& m) {
      if (!m.IsMap() || m.size() != 1) {
        r_.error(m, "a matcher must be a map with one key, the matcher type, e.g. {number: 3}");
        return;
      }
      auto it = m.begin();
      const std::string type = it->first.IsScalar() ? it->first.Scalar() : "";
      const auto* factory = matcher_registry::instance().find(type);
      if (!factory) {
        auto names = matcher_registry::instance().names();
        std::sort(names.begin(), names.end());
        std::string msg = "unknown matcher type '" + type + "'";
        if (auto near = nearest(type, names); !near.empty()) msg += " (did you mean '" + near + "'?)";
        r_.error(it->first, std::move(msg));
        return;
      }
      matcher_build_context ctx{*d_.sets, d_.languages};
      auto made = (*factory)(it->second, ctx);
      if (!made) {
        r_.error(it->second, type + ": " + made.error().message());
        return;
      }
      out.push_back(std::move(made).value());
    };
    if (n.IsSequence()) {
      for (const auto& m : n) one(m);
    } else {
      one(n);
    }
    return out;
  }

  std::vector<action> read_actions(const YAML::Node& n) {
    std::vector<action> out;
    if (!r_.is_list(n, "actions")) return out;
    static const std::vector<std::string> kinds{"result", "score", "ticket", "send", "end",
                                                "opt_out"};
    for (const auto& a : n) {
      if (!a.IsMap() || a.size() != 1) {
        r_.error(a, "an action must be a map with one key: result, score, ticket, send, end or "
                    "opt_out");
        continue;
      }
      auto it = a.begin();
      const std::string kind = it->first.IsScalar() ? it->first.Scalar() : "";
      const YAML::Node& arg = it->second;
      if (kind == "result" || kind == "score") {
        if (!r_.is_map(arg, kind)) continue;
        for (auto kv = arg.begin(); kv != arg.end(); ++kv) {
          action act;
          act.type = kind == "result" ? action::kind::result : action::kind::score;
          auto key = r_.string(kv->first, kind + " name");
          if (!key) continue;
          act.key = *key;
          if (kind == "result") {
            auto v = r_.string(kv->second, "result value");
            if (!v) continue;
            act.value = *v;
          } else {
            auto v = r_.integer(kv->second, "score amount");
            if (!v) continue;
            act.amount = static_cast<int>(*v);
          }
          out.push_back(std::move(act));
        }
      } else if (kind == "ticket") {
        action act;
        act.type = action::kind::ticket;
        if (!arg.IsNull()) {
          if (!r_.map(arg, "ticket", {"category", "urgency", "quote"})) continue;
          if (arg["category"])
            if (auto c = r_.string(arg["category"], "ticket category")) act.key = *c;
          if (arg["urgency"])
            if (auto u = read_urgency(arg["urgency"])) act.urgency = *u;
          if (arg["quote"])
            if (auto q = r_.string(arg["quote"], "ticket quote")) {
              act.quote = *q;
              act.quote_location = where(arg["quote"]);
            }
        }
        out.push_back(std::move(act));
      } else if (kind == "send") {
        action act;
        act.type = action::kind::send;
        act.text = read_text(arg, "send text");
        out.push_back(std::move(act));
      } else if (kind == "end") {
        action act;
        act.type = action::kind::end;
        if (!arg.IsNull())
          if (auto s = r_.string(arg, "end outcome")) act.value = *s;
        out.push_back(std::move(act));
      } else if (kind == "opt_out") {
        auto b = r_.boolean(arg, "opt_out");
        if (b && *b) {
          action act;
          act.type = action::kind::opt_out;
          out.push_back(std::move(act));
        }
      } else {
        std::string msg = "unknown action '" + kind + "'";
        if (auto near = nearest(kind, kinds); !near.empty()) msg += " (did you mean '" + near + "'?)";
        r_.error(it->first, std::move(msg));
      }
    }
    return out;
  }

  void read_node(const YAML::Node& n) {
    r_.set_node("");
    if (n.IsMap() && n["id"] && n["id"].IsScalar()) r_.set_node(n["id"].Scalar());
    if (!r_.map(n, "a node",
                {"id", "text", "wait", "cases", "default", "categories", "actions", "next"}))
      return;
    if (!r_.require(n, "id")) return;
    auto id = r_.string(n["id"], "node id");
    if (!id) return;
    r_.set_node(*id);
    node nd;
    nd.id = *id;
    nd.location = where(n["id"]);
    if (d_.node_index.count(nd.id)) {
      r_.error(n["id"], "duplicate node id '" + nd.id + "'");
      return;
    }
    if (n["text"]) nd.text = read_text(n["text"], "text");
    if (const auto& w = n["wait"]) {
      wait_def wd;
      if (w.IsNull()) {
        nd.wait = wd;  // `wait:` alone: wait for a reply until the session expires
      } else if (r_.map(w, "wait", {"timeout", "reminder", "max_reminders", "on_timeout"})) {
        if (w["timeout"]) wd.timeout = r_.duration(w["timeout"], "timeout");
        if (w["reminder"]) {
          wd.reminder = read_text(w["reminder"], "reminder");
          wd.max_reminders = 1;
        }
        if (w["max_reminders"]) {
          auto v = r_.integer(w["max_reminders"], "max_reminders");
          if (v && (*v < 0 || *v > 10))
            r_.error(w["max_reminders"], "max_reminders must be between 0 and 10");
          else if (v)
            wd.max_reminders = static_cast<int>(*v);
        }
        if (wd.max_reminders > 0 && wd.reminder.empty())
          r_.error(w, "max_reminders is set but there is no reminder text");
        if (wd.max_reminders > 0 && !wd.timeout)
          r_.error(w, "a reminder needs a timeout (when to send it)");
        if (w["on_timeout"]) {
          if (auto s = r_.string(w["on_timeout"], "on_timeout")) wd.on_timeout = *s;
          if (!wd.timeout) r_.error(w, "on_timeout needs a timeout");
        }
        nd.wait = std::move(wd);
      }
    }
    if (const auto& cs = n["cases"]; cs && r_.is_list(cs, "cases")) {
      std::set<std::string> ids;
      int index = 0;
      for (const auto& c : cs) {
        ++index;
        if (!r_.map(c, "a case", {"id", "match", "unless", "category"})) continue;
        case_def cd;
        cd.location = where(c);
        cd.id = nd.id + "#" + std::to_string(index);
        if (c["id"])
          if (auto s = r_.string(c["id"], "case id")) {
            cd.id = *s;
            if (!ids.insert(*s).second) r_.error(c["id"], "duplicate case id '" + *s + "'");
          }
        bool ok = r_.require(c, "match") & r_.require(c, "category");
        if (!ok) continue;
        cd.match = read_matchers(c["match"]);
        if (c["unless"]) cd.unless = read_matchers(c["unless"]);
        if (auto s = r_.string(c["category"], "category")) cd.category = *s;
        nd.cases.push_back(std::move(cd));
      }
    }
    if (const auto& df = n["default"]) {
      if (r_.map(df, "default", {"category", "hint", "max_hints", "fallback"})) {
        default_def dd;
        dd.location = where(df);
        if (df["category"])
          if (auto s = r_.string(df["category"], "default category")) dd.category = *s;
        if (df["hint"]) dd.hint = read_text(df["hint"], "hint");
        if (df["max_hints"]) {
          auto v = r_.integer(df["max_hints"], "max_hints");
          if (v && (*v < 0 || *v > 10))
            r_.error(df["max_hints"], "max_hints must be between 0 and 10");
          else if (v)
            dd.max_hints = static_cast<int>(*v);
        }
        if (dd.max_hints > 0 && dd.hint.empty()) r_.error(df, "max_hints needs a hint text");
        dd.fallback = dd.category;
        if (df["fallback"])
          if (auto s = r_.string(df["fallback"], "fallback")) dd.fallback = *s;
        nd.fallback = std::move(dd);
      }
    }
    if (const auto& cats = n["categories"]; cats && r_.is_map(cats, "categories")) {
      for (auto it = cats.begin(); it != cats.end(); ++it) {
        auto name = r_.string(it->first, "category name");
        if (!name) continue;
        category_def cd;
        cd.name = *name;
        cd.location = where(it->first);
        const YAML::Node& body = it->second;
        if (!body.IsNull()) {
          if (!r_.map(body, "category '" + *name + "'", {"next", "actions"})) continue;
          if (body["next"]) {
            cd.next_location = where(body["next"]);
            if (auto s = r_.string(body["next"], "next"); s && *s != "end") cd.next = *s;
          }
          if (body["actions"]) cd.actions = read_actions(body["actions"]);
        }
        nd.categories.emplace(cd.name, std::move(cd));
      }
    }
    if (n["actions"]) nd.actions = read_actions(n["actions"]);
    if (n["next"]) {
      nd.next_location = where(n["next"]);
      if (auto s = r_.string(n["next"], "next"); s && *s != "end") nd.next = *s;
    }
    d_.node_index.emplace(nd.id, d_.nodes.size());
    d_.nodes.push_back(std::move(nd));
  }

  yaml_reader& r_;
  dialog& d_;
  const folded_lexicons& lex_;
};

}  // namespace

folded_lexicons fold_lexicons(const lexicon& lex) {
  return {build_lexicon_sets(lex, true), build_lexicon_sets(lex, false)};
}

std::string content_version(const std::string& text) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::shared_ptr<const dialog> load_dialog(const std::string& text, const std::string& file,
                                          const folded_lexicons& lexicons,
                                          std::vector<diagnostic>& diags) {
  std::vector<diagnostic> mine;
  yaml_reader r(file, mine);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    r.error_at(e.mark, core::yaml_syntax_message(e, text));
    diags.insert(diags.end(), mine.begin(), mine.end());
    return nullptr;
  }
  auto d = std::make_shared<dialog>();
  d->file = file;
  d->version = content_version(text);
  if (!r.sound_structure(root) || !r.is_map(root, "a dialog file")) {
    diags.insert(diags.end(), mine.begin(), mine.end());
    return nullptr;
  }
  if (!root["tuki_dialog"]) {
    r.error(root, "missing 'tuki_dialog: 1' (the dialog spec version) at the top of the file");
  } else if (auto v = r.integer(root["tuki_dialog"], "tuki_dialog")) {
    if (*v > current_spec_version) {
      r.error(root["tuki_dialog"],
              "dialog spec version " + std::to_string(*v) + " is newer than this tuki understands (" +
                  std::to_string(current_spec_version) + "); upgrade tuki to load this file");
    } else if (*v < 1) {
      r.error(root["tuki_dialog"], "tuki_dialog must be 1 or more");
    } else {
      d->spec_version = static_cast<int>(*v);
      if (auto st = migrate(root, d->spec_version); !st)
        r.error(root["tuki_dialog"], st.message());
      else
        d->spec_version = current_spec_version;
    }
  }
  if (!has_errors(mine)) {
    try {
      dialog_reader(r, *d, lexicons).read(root);
    } catch (const YAML::Exception& e) {  // defensive: a shape the reader did not foresee
      r.error_at(e.mark, std::string("unexpected YAML structure: ") + e.msg);
    }
  }
  if (!has_errors(mine)) validate(*d, mine);
  bool failed = has_errors(mine);
  diags.insert(diags.end(), mine.begin(), mine.end());
  if (failed) return nullptr;
  return d;
}

}  // namespace tuki::dialog
