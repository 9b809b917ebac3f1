#pragma once
// A directory of its own with a config (console gateway, institution `varia`, the shipped
// dialogs), its SQLite store and a conversation over them: the app layer without a service.
#include <filesystem>
#include <memory>
#include <string>

#include <unistd.h>

#include <catch2/catch.hpp>

#include "tuki/app/conversation.hpp"
#include "tuki/app/role_names.hpp"
#include "tuki/app/service.hpp"

namespace tuki::testing {

struct app_fixture {
  std::filesystem::path dir;
  config::config cfg;
  std::unique_ptr<adapters::sqlite_store> store;
  std::unique_ptr<app::conversation> conv;

  /// `institution_yaml`: more keys of institution `varia`, each line indented by four spaces.
  explicit app_fixture(const std::string& prefix, const std::string& institution_yaml = "") {
    static int n = 0;
    dir = std::filesystem::temp_directory_path() /
          (prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    std::string yaml = "dialogs_dir: " + std::string(TUKI_SOURCE_DIR) + "/dialogs\n" +
                       "store:\n  path: " + (dir / "tuki.db").string() +
                       "\ngateways:\n  - name: console\n    type: console\n"
                       "institutions:\n  - id: varia\n    gateway: console\n" + institution_yaml;
    auto c = config::parse_config(yaml, "test.yaml", config::process_env());
    INFO(c.error().to_string());
    REQUIRE(c);
    cfg = *c;
    auto s = app::open_store(cfg);
    REQUIRE(s);
    store = std::move(*s);
    auto lib = app::load_dialogs(cfg);
    REQUIRE(lib);
    conv = std::make_unique<app::conversation>(cfg, *lib,
                                               app::role_names::load(cfg.dialogs_dir).value());
  }
  ~app_fixture() {
    store.reset();
    std::filesystem::remove_all(dir);
  }
  app_fixture(const app_fixture&) = delete;
  app_fixture& operator=(const app_fixture&) = delete;
};

}  // namespace tuki::testing
