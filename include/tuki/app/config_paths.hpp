#pragma once
// The files and directories a configuration names, checked on the file system before any
// command creates state, so that a typo in a path is reported at its line in the config file
// ("tuki.yaml:3:14: dialogs_dir: 'dialgos' is not a directory") and not later by the loader
// that needs it, without saying which setting named it.
#include <string>

#include "tuki/core/config/config.hpp"
#include "tuki/core/status.hpp"

namespace tuki::app {

/// ok when every path the config file sets exists: `dialogs_dir` and `routing_dir` are
/// directories, and each institution's `routing_file` and `schedule_file` a readable file
/// (`store.path` is created, with its directory, by the commands that need it). Paths left
/// to their defaults are not checked here; their loaders report them. Every problem is one
/// line of the error, with its file:line:col.
/// A relative path is looked up from the working directory, as every path of the configuration
/// is (scripts/run.sh runs from the repository); its error says so and names that directory:
/// "dialogs_dir: no directory 'dialogs' (a relative path: looked up from the working directory
/// /srv)".
core::status check_config_paths(const config::config& cfg);

/// " (a relative path: looked up from the working directory /srv)" for a relative `path`, ""
/// for an absolute one: what an error about a missing path adds.
std::string relative_path_note(const std::string& path);

}  // namespace tuki::app
