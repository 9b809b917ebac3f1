#pragma once
// The dialog model (spec version 1, docs/dialogs.md): what the loader builds from YAML and the
// engine walks. Immutable after load; shared between threads through shared_ptr<const dialog>.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "tuki/core/dialog/lexicon_sets.hpp"
#include "tuki/core/dialog/matcher.hpp"
#include "tuki/core/dialog/text_template.hpp"
#include "tuki/core/instant.hpp"
#include "tuki/core/urgency.hpp"

namespace tuki::dialog {

/// The dialog spec version this engine reads. Older versions are migrated (migration.hpp).
inline constexpr int current_spec_version = 1;

struct source_location {
  int line = 0, column = 0;  // 1-based; 0 = unknown
};

struct action {
  enum class kind { result, score, ticket, send, end, opt_out };
  kind type = kind::result;
  std::string key;    // result: key; score: score name; ticket: category ("" = the category)
  std::string value;  // result: value ("{category}" = the category); end: outcome
  int amount = 0;     // score: added (may be negative)
  core::urgency urgency = core::urgency::normal;  // ticket
  localized_text text;                            // send
  /// ticket: the node whose reply the ticket quotes (the latest reply given there, which the
  /// session keeps); "" = the reply of the step that opens the ticket.
  std::string quote;
  source_location quote_location;
};

/// What a matched category does: actions, then the next node (none = the dialog ends).
/// A node's position in dialog::nodes, resolved at load; no_node when not resolved (or unknown).
inline constexpr std::size_t no_node = static_cast<std::size_t>(-1);

struct category_def {
  std::string name;
  std::optional<std::string> next;
  std::size_t next_index = no_node;  // `next` resolved at load
  source_location next_location;
  std::vector<action> actions;
  source_location location;
};

struct case_def {
  std::string id;  // explicit or "<node>#<index>" (1-based)
  std::vector<std::unique_ptr<matcher>> match;   // any of them
  std::vector<std::unique_ptr<matcher>> unless;  // none of them
  std::string category;
  /// `category` in its node's categories, resolved at load (a map element does not move with
  /// its node); nullptr when not resolved (or unknown): the step looks it up.
  const category_def* definition = nullptr;
  source_location location;
};

struct wait_def {
  std::optional<core::duration> timeout;  // reminder interval; none = wait until expiry
  localized_text reminder;
  int max_reminders = 0;
  std::optional<std::string> on_timeout;  // category taken when reminders are used up
};

/// "Didn't understand": re-ask with `hint` at most `max_hints` times, then take `fallback`.
struct default_def {
  std::string category = "unknown";
  localized_text hint;
  int max_hints = 2;
  std::string fallback;
  source_location location;
};

struct node {
  std::string id;
  source_location location;
  localized_text text;
  std::optional<wait_def> wait;
  std::vector<case_def> cases;
  std::optional<default_def> fallback;
  std::map<std::string, category_def> categories;
  std::vector<action> actions;       // run on entering the node
  std::optional<std::string> next;   // nodes without a wait
  std::size_t next_index = no_node;  // `next` resolved at load
  source_location next_location;
  /// A ticket quotes the reply given here (`quote:`): the session keeps it. Set at load.
  bool quoted = false;
};

struct threshold {
  std::string score;
  int at_least = 0;
  std::string flag;
  std::optional<core::urgency> urgency;  // tickets opened once the flag is set are at least this
};

struct dialog_settings {
  bool accent_folding = true;
  int max_steps_per_reply = 20;
  int max_visits_per_node = 10;
};

struct dialog {
  std::string id;
  source_location id_location;  // of the `id` value, for "id already used" errors
  std::string version;  // 16 hex digits: FNV-1a of the file's bytes
  std::string file;
  int spec_version = current_spec_version;
  std::string base_language = "en";
  std::vector<std::string> languages;
  core::duration expiry = std::chrono::hours(72);
  std::string start;
  source_location start_location;
  dialog_settings settings;
  std::vector<threshold> thresholds;
  std::vector<node> nodes;
  std::unordered_map<std::string, std::size_t> node_index;
  std::shared_ptr<const lexicon_sets> sets;  // owned here: matchers refer into it
  std::size_t start_index = no_node;         // `start` resolved at load

  const node* find(const std::string& node_id) const {
    auto it = node_index.find(node_id);
    return it == node_index.end() ? nullptr : &nodes[it->second];
  }
};

}  // namespace tuki::dialog
