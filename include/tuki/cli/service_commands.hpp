#pragma once
#include <CLI/CLI.hpp>

namespace tuki::cli {

/// serve, students import, staff import, checkin send. Each takes --config (default
/// config/tuki.yaml) and sets `exit_code` (0 ok, 1 failure, 2 bad configuration or input).
void register_service_commands(CLI::App& root, int& exit_code);

}  // namespace tuki::cli
