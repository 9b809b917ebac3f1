#pragma once
// A directory of its own for dialog files written by a test, with the shipped English and
// common lexicons in lang/ (what a dialog in English needs to load). Removed at the end.
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

namespace tuki::testing {

struct dialog_dir {
  std::filesystem::path path;

  explicit dialog_dir(const std::string& prefix) {
    path = std::filesystem::temp_directory_path() / (prefix + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path / "lang");
    for (const char* f : {"en.yaml", "common.yaml"})
      std::filesystem::copy_file(std::filesystem::path(TUKI_SOURCE_DIR) / "dialogs/lang" / f,
                                 path / "lang" / f);
  }
  ~dialog_dir() { std::filesystem::remove_all(path); }
  dialog_dir(const dialog_dir&) = delete;
  dialog_dir& operator=(const dialog_dir&) = delete;

  void write(const std::string& file, const std::string& text) const {
    std::ofstream(path / file, std::ios::binary) << text;
  }
};

}  // namespace tuki::testing
