#include "tuki/cli/commands.hpp"

#include <iostream>

#include <CLI/CLI.hpp>

#include "tuki/cli/campaign_commands.hpp"
#include "tuki/cli/dialog_commands.hpp"
#include "tuki/cli/service_commands.hpp"

namespace tuki::cli {

int run(int argc, char** argv) {
  CLI::App app{"tuki: an SMS support bot for vocational schools"};
  app.set_version_flag("--version", std::string("tuki ") + TUKI_VERSION);
  app.require_subcommand(1);
  int exit_code = 0;
  register_service_commands(app, exit_code);
  register_dialog_commands(app, exit_code);
  register_campaign_commands(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return exit_code;
}

}  // namespace tuki::cli
