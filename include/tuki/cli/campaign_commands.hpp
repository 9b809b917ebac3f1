#pragma once
#include <CLI/CLI.hpp>

namespace tuki::cli {

/// campaign plan|send, events import, deliveries failed. Each takes --config and sets
/// `exit_code` (0 ok, 1 failure, 2 bad configuration or input).
void register_campaign_commands(CLI::App& root, int& exit_code);

}  // namespace tuki::cli
