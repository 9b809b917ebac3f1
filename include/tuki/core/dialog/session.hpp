#pragma once
// The state of one student's conversation between steps. A session exists only while the
// dialog waits for a reply; the app stores it (to_json) with the step's effects in one
// transaction. JSON round-trip is lossless.
#include <cstdint>
#include <map>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "tuki/core/instant.hpp"
#include "tuki/core/status.hpp"

namespace tuki::dialog {

class session {
 public:
  std::string dialog_id;
  std::string dialog_version;  // the dialog file's content hash; the session finishes on it
  std::string node;            // the node waiting for a reply
  /// Changes whenever a wait starts or a reminder goes out; timers carry it, a timer with
  /// another token is stale. Starts at started-ms * 1000 so tokens of successive sessions of a
  /// student do not collide.
  std::int64_t token = 0;
  std::map<std::string, int> visits;       // node id -> times entered
  std::map<std::string, int> scores;       // score name -> total
  std::set<std::string> flags;             // thresholds reached
  std::map<std::string, std::string> results;
  int reminders_sent = 0;  // at the current node
  int hints_used = 0;      // at the current node
  std::string last_category;
  core::instant started{};
  core::instant expires{};

  nlohmann::json to_json() const;
  static core::result<session> from_json(const nlohmann::json& j);
  bool operator==(const session&) const = default;
};

}  // namespace tuki::dialog
