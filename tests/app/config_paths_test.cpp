// The paths a config file sets are checked on the file system before any command creates
// state, and a wrong one is reported at its line in the config file.
#include "tuki/app/config_paths.hpp"

#include <filesystem>
#include <fstream>
#include <map>

#include <catch2/catch.hpp>

#include "tuki/app/gateway_drivers.hpp"
#include "tuki/app/service.hpp"

using namespace tuki;
namespace fs = std::filesystem;

namespace {

config::env_lookup no_env() {
  return [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
}

// An environment of the variables in `vars` only.
config::env_lookup env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

struct temp_dir {
  fs::path path = fs::temp_directory_path() / ("tuki-config-paths-" + std::to_string(::getpid()));
  temp_dir() {
    fs::remove_all(path);
    fs::create_directories(path / "dialogs");
    std::ofstream(path / "schedule.yaml") << "rules: []\n";
  }
  ~temp_dir() { fs::remove_all(path); }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

// `yaml` ends inside its one institution, which gets the console gateway.
config::config parse(const std::string& yaml, const config::env_lookup& env = no_env()) {
  auto cfg = config::parse_config(yaml +
                                      "    gateway: console\ngateways:\n  - name: console\n"
                                      "    type: console\n",
                                  "tuki.yaml", env);
  INFO(cfg.error().to_string());
  REQUIRE(cfg);
  return *cfg;
}

}  // namespace

TEST_CASE("paths the config sets must exist; errors name the key's line", "[app][config]") {
  temp_dir d;
  const std::string good = "dialogs_dir: " + (d / "dialogs") + "\n" +
                           "store:\n  path: " + (d / "tuki.db") + "\n" +
                           "institutions:\n  - id: varia\n    schedule_file: " + (d / "schedule.yaml") +
                           "\n";
  CHECK(app::check_config_paths(parse(good)));
  CHECK(app::check_config(parse(good)));

  // Line 1 dialogs_dir, 6 schedule_file, 7 routing_file; columns of the values.
  const std::string bad = "dialogs_dir: " + (d / "dialgos") + "\n" +
                          "store:\n  path: " + (d / "no/such/dir/tuki.db") + "\n" +
                          "institutions:\n  - id: varia\n" +
                          "    schedule_file: " + (d / "dialogs") + "\n" +
                          "    routing_file: " + (d / "routing.yaml") + "\n";
  auto st = app::check_config_paths(parse(bad));
  REQUIRE_FALSE(st);
  const std::string m = st.message();
  INFO(m);
  CHECK_THAT(m, Catch::Contains("tuki.yaml:1:14: dialogs_dir: no directory '" + (d / "dialgos") + "'"));
  // The database and its directory are created where they are needed.
  CHECK_THAT(m, !Catch::Contains("store.path"));
  CHECK_THAT(m, Catch::Contains("tuki.yaml:6:20: institutions[0].schedule_file: '" + (d / "dialogs") +
                                "' is a directory, not a file"));
  CHECK_THAT(m, Catch::Contains("tuki.yaml:7:19: institutions[0].routing_file: no file '" +
                                (d / "routing.yaml") + "'"));
  // Every command checks them before it opens the store.
  CHECK(app::check_config(parse(bad)).message() == m);
}

TEST_CASE("a wrong path from the environment names its variable", "[app][config]") {
  temp_dir d;
  const auto env = env_of({{"TUKI_DIALOGS", d / "dialgos"}, {"TUKI_DIR", d.path.string()}});
  // Line 1 dialogs_dir, 4 schedule_file (a path the variable gives only a part of).
  const std::string yaml =
      "dialogs_dir: ${TUKI_DIALOGS}\n"
      "institutions:\n  - id: varia\n"
      "    schedule_file: ${TUKI_DIR}/dialogs\n";
  auto st = app::check_config_paths(parse(yaml, env));
  REQUIRE_FALSE(st);
  const std::string m = st.message();
  INFO(m);
  CHECK_THAT(m, Catch::Contains("tuki.yaml:1:14: dialogs_dir: no directory '" + (d / "dialgos") +
                                "' (from ${TUKI_DIALOGS})\n"));
  CHECK_THAT(m,
             Catch::EndsWith("tuki.yaml:4:20: institutions[0].schedule_file: '" + (d / "dialogs") +
                             "' is a directory, not a file (from ${TUKI_DIR}/dialogs)"));
  CHECK(app::check_config(parse(yaml, env)).message() == m);

  // The same values written in the file: the line shows them, nothing is added.
  const std::string literal = "dialogs_dir: " + (d / "dialgos") + "\n" +
                              "institutions:\n  - id: varia\n" +
                              "    schedule_file: " + (d / "dialogs") + "\n";
  auto plain = app::check_config_paths(parse(literal, env));
  REQUIRE_FALSE(plain);
  CHECK_THAT(plain.message(), !Catch::Contains("(from"));
  CHECK_THAT(plain.message(), Catch::EndsWith("' is a directory, not a file"));
}

TEST_CASE("paths left to their defaults are not checked here", "[app][config]") {
  // dialogs_dir defaults to "dialogs" and routing_dir to "config/routing" (relative to the
  // working directory); their loaders report them if they are missing.
  CHECK(app::check_config_paths(parse("institutions:\n  - id: varia\n")));
}

TEST_CASE("a relative path that is not there names the working directory it was looked up from",
          "[app][config]") {
  // Paths are looked up from the working directory (scripts/run.sh runs from the repository), so
  // a command run elsewhere misses them: the error says where it looked.
  const std::string cwd = fs::current_path().string();
  auto st =
      app::check_config_paths(parse("dialogs_dir: no-such-dialogs\n"
                                    "institutions:\n  - id: varia\n"));
  REQUIRE_FALSE(st);
  CHECK(st.message() ==
        "tuki.yaml:1:14: dialogs_dir: no directory 'no-such-dialogs' (a relative "
        "path: looked up from the working directory " +
            cwd + ")");
  CHECK(app::relative_path_note("/srv/tuki/dialogs").empty());
  CHECK(app::relative_path_note("dialogs") ==
        " (a relative path: looked up from the working directory " + cwd + ")");

  // dialogs_dir left to its default is not checked with the paths; loading the dialogs says it.
  auto defaults = parse("institutions:\n  - id: varia\n");
  defaults.dialogs_dir = "no-such-dialogs";
  auto lib = app::load_dialogs(defaults);
  REQUIRE_FALSE(lib);
  CHECK(lib.error().message() ==
        "dialogs_dir: no directory 'no-such-dialogs' (a relative path: "
        "looked up from the working directory " +
            cwd + ")");
}
