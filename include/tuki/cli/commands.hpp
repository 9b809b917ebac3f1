#pragma once

namespace tuki::cli {

/// Runs `tuki` with the given arguments; returns the process exit code.
int run(int argc, char** argv);

}  // namespace tuki::cli
