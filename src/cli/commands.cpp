#include "tuki/cli/commands.hpp"

#include <iostream>

#include <CLI/CLI.hpp>

#include "tuki/cli/dialog_commands.hpp"

namespace tuki::cli {

int run(int argc, char** argv) {
  CLI::App app{"tuki: SMS support bot for vocational schools"};
  app.set_version_flag("--version", std::string("tuki ") + TUKI_VERSION);
  app.require_subcommand(1);
  int exit_code = 0;
  register_dialog_commands(app, exit_code);
  CLI11_PARSE(app, argc, argv);
  return exit_code;
}

}  // namespace tuki::cli
