#pragma once
// Small pieces every command shares: error exit, institution choice, one-transaction runs.
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "tuki/adapters/store/sqlite_store.hpp"
#include "tuki/app/conversation.hpp"
#include "tuki/core/config/config.hpp"

namespace tuki::cli {

/// Prints "tuki: message" on stderr and returns `code` (1 failure, 2 bad configuration/input).
inline int fail(int code, const std::string& message) {
  std::cerr << "tuki: " << message << "\n";
  return code;
}

/// Loads the configuration at `path` with the process environment and checks what only the
/// adapters can (gateway options, app::check_config). Every command loads it so: a mistake stops
/// it, with file:line, before it creates any state.
core::result<config::config> load_checked_config(const std::string& path);

/// "; database /srv/tuki/var/tuki.db": the end of the report line of a command that wrote to the
/// store, with its absolute path. store.path is looked up from the working directory, so a
/// command run from another directory writes to (and creates) another database: the line says
/// which.
std::string database_note(const config::config& cfg);

/// The institution named `id`, or the only one when `id` is empty; nullptr otherwise.
inline const config::institution_settings* pick_institution(const config::config& cfg,
                                                            const std::string& id) {
  if (id.empty()) return cfg.institutions.size() == 1 ? &cfg.institutions.front() : nullptr;
  return cfg.find_institution(id);
}

/// pick_institution, or when it finds none prints which to name ("no institution 'x'", or
/// "name the institution with --institution", with the configured ids), sets `exit_code` to 2
/// and returns nullptr.
inline const config::institution_settings* institution_or_fail(const config::config& cfg,
                                                               const std::string& id,
                                                               int& exit_code) {
  if (const auto* inst = pick_institution(cfg, id)) return inst;
  std::string ids;
  for (const auto& i : cfg.institutions) ids += (ids.empty() ? "" : ", ") + i.id;
  exit_code = fail(2, (id.empty() ? std::string("name the institution with --institution")
                                  : "no institution '" + id + "'") +
                          " (configured: " + (ids.empty() ? "none" : ids) + ")");
  return nullptr;
}

/// Runs `fn(store)` inside one transaction: committed if it returns ok, rolled back otherwise.
template <class Fn>
core::status in_transaction(adapters::sqlite_store& store, Fn&& fn) {
  if (auto s = store.begin(); !s) return s;
  core::status s = fn(store);
  if (!s) {
    store.rollback();
    return s;
  }
  return store.commit();
}

/// What a command that starts dialogs needs: the store and a conversation over the loaded
/// dialogs and role names. `cfg` must outlive it.
struct dialog_runtime {
  std::unique_ptr<adapters::sqlite_store> store;
  std::unique_ptr<app::conversation> conversation;
};

/// Loads dialogs and role names and opens the store; on failure prints why, sets `exit_code`
/// (2 bad dialogs, 1 store) and returns nullopt.
std::optional<dialog_runtime> open_dialog_runtime(const config::config& cfg, int& exit_code);

/// Whether the loaded dialogs include `dialog_id`; if not, prints "no dialog named 'ID' in DIR",
/// sets `exit_code` to 2 and returns false. For commands that start or plan a dialog: an unknown
/// id must stop them before anything is selected or stored.
bool has_dialog(const dialog_runtime& rt, const config::config& cfg, const std::string& dialog_id,
                int& exit_code);

}  // namespace tuki::cli
