#include "tuki/cli/commands.hpp"

#include <iostream>

#include <CLI/CLI.hpp>

namespace tuki::cli {

int run(int argc, char** argv) {
  CLI::App app{"tuki: SMS support bot for vocational schools"};
  app.set_version_flag("--version", std::string("tuki ") + TUKI_VERSION);
  app.require_subcommand(1);
  CLI11_PARSE(app, argc, argv);
  return 0;
}

}  // namespace tuki::cli
