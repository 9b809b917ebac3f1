#include "tuki/cli/dialog_commands.hpp"

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tuki/app/institution_routing.hpp"
#include "tuki/app/role_names.hpp"
#include "tuki/app/ticket_desk.hpp"
#include "tuki/cli/cli_support.hpp"
#include "tuki/core/dialog/engine.hpp"
#include "tuki/core/dialog/graph.hpp"
#include "tuki/core/dialog/ticket_categories.hpp"
#include "tuki/core/routing/routing_config.hpp"
#include "tuki/core/text/placeholder_fill.hpp"

namespace tuki::cli {
namespace {

namespace fs = std::filesystem;
using tuki::dialog::diagnostic;
using tuki::dialog::dialog_library;
using tuki::dialog::session;
using tuki::dialog::step_output;
using tuki::dialog::student_context;
using tuki::dialog::conversation_settings;

// Lexicons live in lang/ beside the dialog file (dialogs/lang/ for dialogs/x.yaml).
fs::path lang_dir_for(const fs::path& file, const std::string& override_dir) {
  if (!override_dir.empty()) return override_dir;
  return file.parent_path().empty() ? fs::path("lang") : file.parent_path() / "lang";
}

// `file` with its lexicons, for the commands that work on one dialog; a file that does not load
// is reported on stderr and gives nothing.
std::optional<dialog_library> load_one(const std::string& file, const std::string& lang_dir) {
  std::vector<diagnostic> diags;
  auto lib = dialog_library::load_files({fs::path(file)}, lang_dir_for(file, lang_dir), &diags);
  if (!lib) {
    std::cerr << lib.error().message() << "\n";
    return std::nullopt;
  }
  return std::move(*lib);
}

struct check_options {
  std::vector<std::string> files;
  std::string lang_dir, config;
};

// With --config: every role the configuration's routing can put on a ticket must have a name in
// `lang_dir`'s lexicons for each of the institution's languages, else students read the generic
// phrase (roles.staff_member): a warning each. A broken configuration or routing file is an error
// and sets `config_failed`: the command then exits 2, a configuration mistake, as every other does.
void check_role_names(const std::string& config_file, const fs::path& lang_dir, int& errors,
                      int& warnings, bool& config_failed) {
  auto cfg = load_checked_config(config_file);
  auto names = app::role_names::load_lang_dir(lang_dir.string());
  core::status st = !cfg ? cfg.error() : !names ? names.error() : core::status::ok();
  if (st) {
    app::ticket_desk desk(*cfg, *names);
    st = desk.load_status();
    if (st)
      for (const auto& u : desk.unnamed_roles()) {
        std::cout << u.warning() << "\n";
        ++warnings;
      }
  }
  if (!st) {
    std::cout << st.message() << "\n";
    ++errors;
    config_failed = true;
  }
}

// What a routing does with ticket categories: which its rules without conditions take, and
// which only rules with conditions take.
dialog::routed_categories categories_of(const routing::routing_config& r, std::string name) {
  dialog::routed_categories out;
  out.name = std::move(name);
  for (const auto& rule : r.rules.rules) {
    if (rule.specificity() == 0)
      out.always.insert(rule.category);
    else
      out.only_when.emplace(rule.category, rule.where);
  }
  for (const auto& category : out.always) out.only_when.erase(category);
  return out;
}

// The routings the categories are checked against: the built-in one, or with --config every
// institution's (named when there are several). nullopt when the configuration or a routing
// file does not load (the role-name check reports that).
std::optional<std::vector<dialog::routed_categories>> routings_to_check(
    const std::string& config_file) {
  if (config_file.empty()) return std::vector{categories_of(routing::default_routing_config(), "")};
  auto cfg = load_checked_config(config_file);
  if (!cfg) return std::nullopt;
  std::vector<dialog::routed_categories> out;
  for (const auto& inst : cfg->institutions) {
    auto r = app::load_institution_routing(*cfg, inst);
    if (!r) return std::nullopt;
    out.push_back(categories_of(
        *r, cfg->institutions.size() > 1 ? "institution '" + inst.id + "'" : std::string()));
  }
  return out;
}

int run_check(const check_options& o) {
  // The files that share a lexicon directory are loaded together, as the service loads a
  // dialogs directory, so that two files declaring the same dialog id are caught.
  std::map<fs::path, std::vector<fs::path>> groups;
  for (const auto& f : o.files) {
    auto& group = groups[lang_dir_for(f, o.lang_dir)];
    if (std::find(group.begin(), group.end(), fs::path(f)) == group.end()) group.push_back(f);
  }
  // The routing the categories are checked against: read once for every group of files.
  const auto routings = routings_to_check(o.config);
  int errors = 0, warnings = 0;
  bool config_failed = false;
  for (const auto& [lang_dir, files] : groups) {
    std::vector<diagnostic> diags;
    auto lib = dialog_library::load_files(files, lang_dir, &diags);
    if (lib && routings)
      for (const auto& id : lib->dialog_ids())
        for (auto& w : dialog::unrouted_ticket_categories(*lib->find(id), *routings))
          diags.push_back(std::move(w));
    std::set<std::string> failed;
    for (const auto& d : diags) {
      std::cout << d.to_string() << "\n";
      if (d.level == diagnostic::severity::error) {
        ++errors;
        failed.insert(d.file);
      } else {
        ++warnings;
      }
    }
    // An error in a lexicon fails every dialog that uses it.
    bool lexicon_failed = false;
    for (const auto& file : failed)
      lexicon_failed |= std::none_of(files.begin(), files.end(),
                                     [&](const fs::path& f) { return f.string() == file; });
    for (const auto& f : files)
      if (!lexicon_failed && !failed.count(f.string())) std::cout << f.string() << ": ok\n";
    if (!o.config.empty()) check_role_names(o.config, lang_dir, errors, warnings, config_failed);
  }
  std::cout << errors << " error(s), " << warnings << " warning(s)\n";
  return config_failed ? 2 : errors ? 1 : 0;
}

struct graph_options {
  std::string file, format = "dot", out, lang_dir, config;
};

int run_graph(const graph_options& o) {
  auto lib = load_one(o.file, o.lang_dir);
  if (!lib) return 1;
  const dialog::dialog* d = lib->find(lib->dialog_ids().front());
  std::string dot = dialog::to_dot(*d);
  if (o.format == "dot") {
    if (o.out.empty()) {
      std::cout << dot;
      return 0;
    }
    std::ofstream out(o.out, std::ios::binary);
    out << dot;
    if (!out) {
      std::cerr << o.out << ": cannot write\n";
      return 1;
    }
    return 0;
  }
  // svg: pipe through Graphviz. The command line holds only our own -o path, quoted.
  std::string cmd = "dot -Tsvg";
  if (!o.out.empty()) {
    std::string quoted = "'";
    for (char c : o.out) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    cmd += " -o " + quoted + "'";
  }
  cmd += " 2>/dev/null";
  // If `dot` is missing the shell exits before reading: ignore SIGPIPE while writing so that
  // the failure is reported instead of killing tuki.
  auto previous = std::signal(SIGPIPE, SIG_IGN);
  std::FILE* pipe = ::popen(cmd.c_str(), "w");
  if (!pipe) {
    std::signal(SIGPIPE, previous);
    std::cerr << "cannot run Graphviz 'dot'\n";
    return 1;
  }
  std::fwrite(dot.data(), 1, dot.size(), pipe);
  int rc = ::pclose(pipe);
  std::signal(SIGPIPE, previous);
  if (rc != 0) {
    std::cerr << "Graphviz 'dot' failed or is not installed (apt-get install graphviz); "
                 "use --format dot for the DOT text\n";
    return 1;
  }
  return 0;
}

struct sim_options {
  std::string file, lang, first_name = "Alex", lang_dir, config;
  bool json = false;
};

nlohmann::json step_json(const step_output& out, const std::optional<session>& last,
                         core::instant now) {
  nlohmann::json j;
  j["time"] = core::to_unix_ms(now);
  j["node"] = out.state ? nlohmann::json(out.state->node) : nlohmann::json();
  j["category"] = out.category ? nlohmann::json(*out.category) : nlohmann::json();
  j["keyword"] = out.keyword ? nlohmann::json(*out.keyword) : nlohmann::json();
  j["crisis"] = out.crisis;
  j["sent"] = nlohmann::json::array();
  j["tickets"] = nlohmann::json::array();
  j["results"] = nlohmann::json::object();
  j["contact"] = nlohmann::json::array();
  j["timers"] = nlohmann::json::array();
  j["ended"] = nullptr;
  for (const auto& e : out.effects) {
    if (auto* s = std::get_if<core::send_sms>(&e)) j["sent"].push_back(s->text);
    if (auto* t = std::get_if<core::open_ticket>(&e))
      j["tickets"].push_back({{"category", t->category},
                              {"urgency", std::string(core::to_string(t->urgency))}});
    if (auto* r = std::get_if<core::record_result>(&e)) j["results"][r->key] = r->value;
    if (std::holds_alternative<core::set_contact_state>(e)) j["contact"].push_back(core::to_json(e));
    if (auto* t = std::get_if<core::schedule_timer>(&e))
      j["timers"].push_back({{"kind", t->kind}, {"at", core::to_unix_ms(t->at)}});
    if (auto* x = std::get_if<core::end_session>(&e)) j["ended"] = x->outcome;
  }
  const session* s = out.state ? &*out.state : out.ended_state ? &*out.ended_state
                                                               : last ? &*last : nullptr;
  j["flags"] = s ? nlohmann::json(s->flags) : nlohmann::json::array();
  j["scores"] = s ? nlohmann::json(s->scores) : nlohmann::json::object();
  j["done"] = !out.state.has_value();
  return j;
}

void print_human(const nlohmann::json& j) {
  for (const auto& s : j["sent"]) std::cout << "tuki> " << s.get<std::string>() << "\n";
  std::string info;
  if (!j["category"].is_null()) info += "category " + j["category"].get<std::string>();
  if (!j["keyword"].is_null()) info += (info.empty() ? "" : ", ") + std::string("keyword ") +
                                       j["keyword"].get<std::string>();
  if (j["crisis"].get<bool>()) info += (info.empty() ? "" : ", ") + std::string("CRISIS");
  for (const auto& t : j["tickets"])
    info += (info.empty() ? "" : ", ") + std::string("ticket ") +
            t["category"].get<std::string>() + "/" + t["urgency"].get<std::string>();
  if (!j["flags"].empty()) info += (info.empty() ? "" : ", ") + std::string("flags ") + j["flags"].dump();
  if (!j["node"].is_null()) info += (info.empty() ? "" : ", ") + std::string("waiting at ") +
                                    j["node"].get<std::string>();
  if (!j["ended"].is_null()) info += (info.empty() ? "" : ", ") + std::string("ended: ") +
                                     j["ended"].get<std::string>();
  if (!info.empty()) std::cout << "      [" << info << "]\n";
}

// `--dialog` takes a file, or a dialog id as `checkin send` does: ID is dialogs/ID.yaml.
std::string dialog_file(const std::string& given) {
  if (fs::exists(given) || given.find('/') != std::string::npos) return given;
  const std::string by_id = "dialogs/" + given + ".yaml";
  return fs::exists(by_id) ? by_id : given;
}

// The service fills {staff_role} with the role the ticket was routed to; the simulator names the
// role the built-in routing gives the category of the ticket opened in the same step.
void fill_staff_role(step_output& out, const app::role_names& roles, const std::string& language) {
  static const auto routing = routing::default_routing_config();
  std::string role = routing.rules.fallback_role;
  for (const auto& e : out.effects)
    if (const auto* t = std::get_if<core::open_ticket>(&e))
      for (const auto& rule : routing.rules.rules)
        if (rule.category == t->category && !rule.roles.empty()) role = rule.roles.front();
  for (auto& e : out.effects)
    if (auto* sms = std::get_if<core::send_sms>(&e))
      sms->text = core::fill_placeholders(sms->text, {{"staff_role", roles.name(role, language)}});
}

int run_sim(const sim_options& o) {
  const std::string file = dialog_file(o.file);
  if (!fs::exists(file)) {
    std::cerr << o.file
              << ": no such dialog file (give a file, or the id of a dialog in dialogs/)\n";
    return 1;
  }
  auto lib = load_one(file, o.lang_dir);
  if (!lib) return 1;
  const std::string id = lib->dialog_ids().front();
  // The service answers a message no session waits for with student_message: so does the sim,
  // when that dialog lies beside this one.
  const auto beside =
      fs::path(file).parent_path() / (std::string(dialog::unprompted_dialog) + ".yaml");
  if (id != dialog::unprompted_dialog && fs::exists(beside)) {
    std::vector<diagnostic> diags;
    auto both = dialog_library::load_files({fs::path(file), beside}, lang_dir_for(file, o.lang_dir),
                                           &diags);
    if (both) lib = std::move(*both);
  }
  const dialog::dialog* d = lib->find(id);
  if (!o.lang.empty() &&
      std::find(d->languages.begin(), d->languages.end(), o.lang) == d->languages.end()) {
    std::string langs;
    for (const auto& l : d->languages) langs += (langs.empty() ? "" : ", ") + l;
    std::cerr << file << ": --lang " << o.lang << " is not one of the dialog's languages (" << langs
              << ")\n";
    return 2;
  }
  auto roles = app::role_names::load_lang_dir(lang_dir_for(file, o.lang_dir).string());
  if (!roles) {
    std::cerr << roles.error().message() << "\n";
    return 1;
  }
  student_context who{"sim-student", o.first_name, o.lang.empty() ? d->base_language : o.lang, {}};
  conversation_settings settings;
  settings.helpline = {{"en", "student services, tel. 040 000 0000"},
                       {"fi", "opiskelijapalvelut, puh. 040 000 0000"}};
  // A fixed start (Monday 2026-01-05 09:00 UTC) keeps runs reproducible.
  core::instant now = core::from_unix_ms(1'767'603'600'000);
  std::vector<core::schedule_timer> timers;
  auto remember = [&](const step_output& out) {
    for (const auto& e : out.effects)
      if (auto* t = std::get_if<core::schedule_timer>(&e)) timers.push_back(*t);
  };
  bool interactive = !o.json && ::isatty(0);
  auto emit = [&](step_output out, const std::optional<session>& last) {
    fill_staff_role(out, *roles, who.language);
    auto j = step_json(out, last, now);
    if (o.json)
      std::cout << j.dump() << "\n";
    else
      print_human(j);
    std::cout.flush();
  };
  step_output out = dialog::start(*lib, d->id, who, settings, now);
  remember(out);
  emit(out, std::nullopt);
  std::optional<session> state = out.state;
  std::string line;
  while ((interactive && (std::cout << "you> " << std::flush)), std::getline(std::cin, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::optional<session> last = state;
    if (line == "/timeout") {
      std::optional<core::schedule_timer> next;
      // The earliest timer that would change the session when it comes: the wait's timeout
      // under the current token, or the session's one expiry timer (whatever its token).
      if (state)
        for (const auto& t : timers)
          if (dialog::timer_is_live(*state, t.kind, t.token, std::max(now, t.at)) &&
              (!next || t.at < next->at))
            next = t;
      if (!next) {
        step_output none;
        none.state = state;
        emit(none, last);
        continue;
      }
      now = std::max(now, next->at);
      out = dialog::on_timer(*lib, *state, who, settings, next->kind, next->token, now);
    } else {
      now += std::chrono::minutes(1);
      out = dialog::on_reply(*lib, state, who, settings, line, now);
      // As the service does: a message no session waits for starts student_message (when the
      // dialogs beside this one have it), after the step that ended an expired session.
      if (!dialog::message_taken(out, state.has_value()) && lib->find(dialog::unprompted_dialog)) {
        if (state) {
          emit(out, last);
          last = std::nullopt;
        }
        out = dialog::start_with_reply(*lib, dialog::unprompted_dialog, who, settings, line, now);
      }
    }
    remember(out);
    state = out.state;
    emit(out, last);
  }
  return 0;
}

}  // namespace

void register_dialog_commands(CLI::App& root, int& exit_code) {
  auto* dialogs = root.add_subcommand("dialogs", "Check and draw dialog files");
  dialogs->require_subcommand(1);

  auto check = std::make_shared<check_options>();
  auto* c = dialogs->add_subcommand(
      "check",
      "Validate dialog files; exit 1 on errors, 2 when --config's file or routing is wrong");
  c->add_option("files", check->files, "Dialog YAML files")->required();
  c->add_option("--lang-dir", check->lang_dir, "Lexicon directory (default: lang/ beside each file)");
  c->add_option("--config", check->config,
                "Configuration file: also warn about its routing roles without a name in the "
                "lexicons");
  c->callback([check, &exit_code] { exit_code = run_check(*check); });

  auto graph = std::make_shared<graph_options>();
  auto* g = dialogs->add_subcommand("graph", "Draw a dialog as DOT or SVG");
  g->add_option("file", graph->file, "Dialog YAML file")->required();
  g->add_option("--format", graph->format, "dot or svg")->check(CLI::IsMember({"dot", "svg"}));
  g->add_option("-o,--output", graph->out, "Output file (default: standard output)");
  g->add_option("--lang-dir", graph->lang_dir, "Lexicon directory (default: lang/ beside file)");
  g->add_option("--config", graph->config, "Configuration file (unused here)");
  g->callback([graph, &exit_code] { exit_code = run_graph(*graph); });

  auto sim = std::make_shared<sim_options>();
  auto* s = root.add_subcommand("sim", "Chat with a dialog in the terminal (/timeout: time out)");
  s->add_option("--dialog", sim->file, "Dialog YAML file, or the id of one in dialogs/")
      ->required();
  s->add_option("--lang", sim->lang, "Student's language (default: the dialog's base)");
  s->add_flag("--json", sim->json, "One JSON object per step");
  s->add_option("--first-name", sim->first_name, "Student's first name");
  s->add_option("--lang-dir", sim->lang_dir, "Lexicon directory (default: lang/ beside file)");
  s->add_option("--config", sim->config, "Configuration file (unused here)");
  s->callback([sim, &exit_code] { exit_code = run_sim(*sim); });
}

}  // namespace tuki::cli
