// Wiring only: parse the command line and hand over to the command (src/cli/).
#include <sys/stat.h>

#include "tuki/cli/commands.hpp"

int main(int argc, char** argv) {
  // Every file tuki creates (the database and its WAL, staff mail, exports) holds students'
  // data: readable by the owner only, whatever umask the shell or unit gave.
  ::umask(077);
  return tuki::cli::run(argc, argv);
}
