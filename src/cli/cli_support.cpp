#include "tuki/cli/cli_support.hpp"

#include <filesystem>

#include "tuki/app/gateway_drivers.hpp"
#include "tuki/app/role_names.hpp"
#include "tuki/app/service.hpp"

namespace tuki::cli {

core::result<config::config> load_checked_config(const std::string& path) {
  auto cfg = config::load_config(path, config::process_env());
  if (!cfg) return cfg;
  if (auto st = app::check_config(*cfg); !st) return st;
  return cfg;
}

std::string database_note(const config::config& cfg) {
  if (cfg.store.path == ":memory:") return "; database in memory";
  std::error_code ec;
  auto path = std::filesystem::absolute(cfg.store.path, ec);
  return "; database " + (ec ? cfg.store.path : path.lexically_normal().string());
}

std::optional<dialog_runtime> open_dialog_runtime(const config::config& cfg, int& exit_code) {
  auto lib = app::load_dialogs(cfg);
  if (!lib) {
    exit_code = fail(2, lib.error().message());
    return std::nullopt;
  }
  auto roles = app::role_names::load(cfg.dialogs_dir);
  if (!roles) {
    exit_code = fail(2, roles.error().message());
    return std::nullopt;
  }
  auto store = app::open_store(cfg);
  if (!store) {
    exit_code = fail(1, store.error().message());
    return std::nullopt;
  }
  return dialog_runtime{std::move(*store),
                        std::make_unique<app::conversation>(cfg, std::move(*lib), std::move(*roles))};
}

bool has_dialog(const dialog_runtime& rt, const config::config& cfg, const std::string& dialog_id,
                int& exit_code) {
  if (rt.conversation->library()->find(dialog_id)) return true;
  exit_code = fail(2, "no dialog named '" + dialog_id + "' in " + cfg.dialogs_dir);
  return false;
}

}  // namespace tuki::cli
