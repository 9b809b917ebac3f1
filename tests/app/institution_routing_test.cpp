// Which routing an institution runs on, and the staff roles it gives the staff CSV.
#include "tuki/app/institution_routing.hpp"

#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "tuki/app/roster_import.hpp"

using namespace tuki;
namespace fs = std::filesystem;

TEST_CASE("staff roles: the built-in ones and every role the routing file names",
          "[app][routing][roles]") {
  auto builtin = app::staff_roles_of(routing::default_routing_config());
  CHECK(builtin == app::builtin_staff_roles());
  auto custom = routing::parse_routing_config(
      "tuki_routing: 1\n"
      "fallback_role: opo\n"
      "rules:\n"
      "  - category: studies\n"
      "    roles: [tyovalmentaja, teacher]\n"
      "staff:\n"
      "  - email: k@varia.test\n"
      "    roles: [kv_koordinaattori]\n",
      "varia.yaml");
  REQUIRE(custom);
  CHECK(app::staff_roles_of(*custom) ==
        std::vector<std::string>{"coordinator", "kv_koordinaattori", "nurse", "opo", "psychologist",
                                 "social_worker", "special_needs_teacher", "study_counsellor",
                                 "teacher", "tyovalmentaja"});
}

TEST_CASE("an institution's routing: routing_file, else <routing_dir>/<id>.yaml, else built-in",
          "[app][routing]") {
  const fs::path dir =
      fs::temp_directory_path() / ("tuki-inst-routing-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "varia.yaml") << "tuki_routing: 1\nfallback_role: opo\n";
  std::ofstream(dir / "other.yaml") << "tuki_routing: 1\nfallback_role: kv\n";
  config::config cfg;
  cfg.routing_dir = dir.string();
  config::institution_settings inst;
  inst.id = "varia";
  CHECK(app::load_institution_routing(cfg, inst).value().rules.fallback_role == "opo");
  inst.routing_file = (dir / "other.yaml").string();
  CHECK(app::load_institution_routing(cfg, inst).value().rules.fallback_role == "kv");
  inst.routing_file.clear();
  inst.id = "omnia";
  CHECK(app::load_institution_routing(cfg, inst).value().source == "<built-in default>");
  fs::remove_all(dir);
}
