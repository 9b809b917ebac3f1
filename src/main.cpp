// Wiring only: parse the command line and hand over to the command (src/cli/).
#include "tuki/cli/commands.hpp"

int main(int argc, char** argv) { return tuki::cli::run(argc, argv); }
