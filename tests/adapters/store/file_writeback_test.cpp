// file_writeback on a real file: it opens the file it is given (the same inode, not a copy),
// writes back pages written through another descriptor (over more than one piece), and names a
// missing file.
#include "tuki/adapters/store/file_writeback.hpp"

#include <filesystem>
#include <fstream>

#include <sys/stat.h>

#include <catch2/catch.hpp>

using namespace tuki;

TEST_CASE("file_writeback writes back the file it opened and names a missing one",
          "[adapters][store][file_writeback]") {
  auto dir =
      std::filesystem::temp_directory_path() / ("tuki-writeback-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto path = (dir / "tuki.db").string();

  auto missing = adapters::file_writeback::open(path);
  REQUIRE_FALSE(missing);
  CHECK_THAT(missing.error().message(), Catch::Contains("tuki.db"));

  // Dirty pages in the page cache, over three pieces and a part.
  std::ofstream(path) << std::string(3 * adapters::file_writeback::piece_bytes + 4096, 'x');
  auto wb = adapters::file_writeback::open(path);
  REQUIRE(wb);
  struct stat opened {
  }, named{};
  REQUIRE(::fstat((*wb)->descriptor(), &opened) == 0);
  REQUIRE(::stat(path.c_str(), &named) == 0);
  CHECK(opened.st_ino == named.st_ino);
  CHECK(opened.st_dev == named.st_dev);
  CHECK((*wb)->write_back());
  CHECK((*wb)->write_back());  // again, with nothing left to write
  wb->reset();
  std::filesystem::remove_all(dir);
}
