#pragma once
// `tuki dialogs check`, `tuki dialogs graph` and `tuki sim`: operator tools for dialog files.
#include <CLI/CLI.hpp>

namespace tuki::cli {

/// Adds the commands to `root`. A command that fails sets `exit_code` (1 = errors found or bad
/// input); it must outlive root's parsing and callbacks.
void register_dialog_commands(CLI::App& root, int& exit_code);

}  // namespace tuki::cli
