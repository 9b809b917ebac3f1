#include "tuki/cli/commands.hpp"

#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "tuki/cli/campaign_commands.hpp"
#include "tuki/cli/dialog_commands.hpp"
#include "tuki/cli/service_commands.hpp"

namespace tuki::cli {

namespace {

// What operators type that CLI11 alone would refuse: `tuki help students import` asks for
// `tuki students import --help`, and `--config FILE` given before the command (every command
// takes it) goes after it.
std::vector<std::string> arrange(std::vector<std::string> args) {
  std::vector<std::string> moved;
  while (!args.empty()) {
    if (args.front() == "--config" && args.size() >= 2) {
      moved.insert(moved.end(), args.begin(), args.begin() + 2);
      args.erase(args.begin(), args.begin() + 2);
    } else if (args.front().rfind("--config=", 0) == 0) {
      moved.push_back(args.front());
      args.erase(args.begin());
    } else {
      break;
    }
  }
  args.insert(args.end(), moved.begin(), moved.end());
  if (!args.empty() && args.front() == "help") {
    args.erase(args.begin());
    args.push_back("--help");
  }
  return args;
}

std::string command_names(CLI::App& at) {
  std::string names;
  for (auto* s : at.get_subcommands([](CLI::App*) { return true; }))
    names += (names.empty() ? "" : ", ") + s->get_name();
  return names;
}

// "unknown command 'bogus' after 'tuki' (commands: serve, students, ...)" when a word where a
// command is required names none, and "'tuki students' needs a command (commands: import)" when
// the words stop before one; empty otherwise (CLI11 then reports what else is wrong).
std::string command_problem(CLI::App& app, const std::vector<std::string>& args) {
  CLI::App* at = &app;
  std::string path = "tuki";
  for (const auto& word : args) {
    if (word == "--help" || word == "-h" || word == "--version") return "";
    if (word.empty() || word.front() == '-') break;
    auto subs = at->get_subcommands([](CLI::App*) { return true; });
    if (subs.empty()) return "";
    auto it =
        std::find_if(subs.begin(), subs.end(), [&](CLI::App* s) { return s->check_name(word); });
    if (it == subs.end())
      return "unknown command '" + word + "' after '" + path +
             "' (commands: " + command_names(*at) + ")";
    at = *it;
    path += " " + word;
  }
  if (at->get_require_subcommand_min() > 0)
    return "'" + path + "' needs a command (commands: " + command_names(*at) + ")";
  return "";
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{"tuki: an SMS support bot for vocational schools", "tuki"};
  app.set_version_flag("--version", std::string("tuki ") + TUKI_VERSION);
  app.require_subcommand(1);
  app.footer(
      "Every command takes --config FILE (default config/tuki.yaml). `tuki COMMAND --help` "
      "shows a command's options.");
  int exit_code = 0;
  register_service_commands(app, exit_code);
  register_dialog_commands(app, exit_code);
  register_campaign_commands(app, exit_code);

  auto args = arrange(std::vector<std::string>(argv + 1, argv + argc));
  if (args.empty()) {
    std::cerr << app.help();
    return 2;
  }
  if (auto problem = command_problem(app, args); !problem.empty()) {
    std::cerr << "tuki: " << problem << "\nRun with --help for more information.\n";
    return 2;
  }
  std::vector<char*> arranged{argv[0]};
  for (auto& a : args) arranged.push_back(a.data());
  try {
    app.parse(static_cast<int>(arranged.size()), arranged.data());
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; every mistake in the command line is a usage error, exit 2.
    return app.exit(e) == 0 ? 0 : 2;
  }
  return exit_code;
}

}  // namespace tuki::cli
