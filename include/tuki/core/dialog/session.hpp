#pragma once
// The state of one student's conversation between steps. A session exists only while the
// dialog waits for a reply; the app stores it (to_text) with the step's effects in one
// transaction. The stored form is JSON, so an operator can read it; the round trip is lossless.
#include <cstdint>
#include <string>
#include <string_view>

#include "tuki/core/dialog/short_string.hpp"
#include "tuki/core/dialog/small_map.hpp"
#include "tuki/core/instant.hpp"
#include "tuki/core/status.hpp"

namespace tuki::dialog {

class session {
 public:
  std::string dialog_id;
  short_string dialog_version;  // the dialog file's content hash; the session finishes on it
  std::string node;             // the node waiting for a reply
  /// Changes whenever a wait starts or a reminder goes out; wait timeouts carry it, one with
  /// another token is stale. Starts at first_token() so tokens of successive sessions of a
  /// student do not collide.
  std::int64_t token = 0;
  // Sorted like std::map / std::set, their first entries and names held inline, so that copying
  // and moving a session (every step does) allocates nothing (small_map.hpp, short_string.hpp).
  small_map<short_string, int, 6> visits;  // node id -> times entered
  small_map<short_string, int, 2> scores;  // score name -> total
  small_set<short_string, 4> flags;        // thresholds reached
  small_map<short_string, short_string, 4> results;
  /// Node id -> the reply last given there (its first 160 bytes), kept only for the nodes a
  /// ticket quotes (`{ticket: {quote: node}}`), so that a ticket opened by a later "yes" quotes
  /// the student's own words. Written only when not empty: a session without one reads and
  /// writes as before.
  small_map<short_string, std::string, 1> quotes;
  int reminders_sent = 0;  // at the current node
  int hints_used = 0;      // at the current node
  std::string last_category;
  core::instant started{};
  core::instant expires{};

  /// The token a session starts with, before its first wait: started-ms * 1000.
  std::int64_t first_token() const { return core::to_unix_ms(started) * 1000; }

  /// The stored form: a JSON object with its keys sorted, written as nlohmann::json::dump()
  /// writes it, without building a JSON tree (every reply loads and saves a session).
  std::string to_text() const;
  /// Reads the stored form without building a JSON tree. Every field must be there with its
  /// type; keys it does not know are skipped. An error says which field is wrong.
  static core::result<session> from_text(std::string_view text);
  bool operator==(const session&) const = default;
};

}  // namespace tuki::dialog
