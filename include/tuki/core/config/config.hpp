#pragma once
// The service configuration: one YAML file (default config/tuki.yaml), validated at start.
// Values may use ${NAME} / ${NAME:-default}. Errors name file:line:column, the key path and what
// is wrong, e.g. "config/tuki.yaml:14:15: institutions[0].timezone: unknown time zone 'Europe/X'".
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "tuki/core/config/env_substitution.hpp"
#include "tuki/core/config/source_locations.hpp"
#include "tuki/core/status.hpp"

namespace tuki::config {

struct http_settings {
  std::string listen = "127.0.0.1";
  std::uint16_t port = 8080;
  std::size_t body_limit = 64 * 1024;  // bytes per request body
  int read_timeout_ms = 10'000;        // per request read (headers + body)
  int backlog = 4096;                  // listen backlog: gateways open hundreds of connections
  // Connections served at once (more wait in the backlog), so idle clients cannot take the file
  // descriptors the store and the outbox need. 0: half the process's open-file limit (ulimit -n).
  std::size_t max_connections = 0;
};

struct store_settings {
  std::string path = "var/tuki.db";
  std::string synchronous = "full";  // SQLite PRAGMA synchronous: full (power-loss safe) | normal
  int max_batch = 512;               // most requests committed in one group-commit transaction
  // How often the checkpoint thread copies committed WAL frames into the database. Each round
  // ends with an fsync of the database file, which the WAL syncs that answers wait for queue
  // behind: rounds every 100 ms set P1's p99 at 6-11 ms, every 1000 ms at 4.2-5.0 ms
  // (docs/performance.md, tenth pass).
  int checkpoint_interval_ms = 1000;
};

struct mail_settings {
  std::string type = "file";  // "file": one .eml per mail under dir; "smtp": url below
  std::string dir = "var/mail";
  std::string url;            // smtp://host:port (STARTTLS when offered) or smtps://host:port
  std::string username;
  std::string password;
  std::string from = "tuki@localhost";
  /// Refuse to send over plain smtp:// without STARTTLS (staff emails name students). A
  /// configuration file without the key requires it, except for a mail server on this host
  /// (127.0.0.0/8, ::1, localhost): parse_config decides.
  bool require_tls = false;
};

/// The SMS outbox (outbox pump).
struct outbox_settings {
  int batch_size = 256;      // SMS claimed (queued -> sending) at once; after a kill -9 these
                             // are queued again (only those already accepted are sent twice)
  int in_flight = 32;        // requests sent at once; their outcomes are stored per window
  int max_attempts = 0;      // tries on retryable failures; 0: until the message's validity ends
  int validity_hours = 24;   // a message not sent this long after it was due expires
  int request_timeout_ms = 15'000;  // a gateway request in all, connection set-up included
  int connect_timeout_ms = 5'000;   // a gateway's name resolution and connect (within the above)
};

/// The scheduler pump (planned sends of campaigns and schedule rules).
struct scheduler_settings {
  int max_outbox_depth = 2000;  // backpressure: no new check-ins while more SMS are queued
  int batch = 500;              // planned sends started per store job
  int rules_every_seconds = 60; // how often schedule rules are evaluated
};

struct gateway_entry {
  std::string name;
  std::string type;
  nlohmann::json options;  // the driver's keys (all but name, type, rate_*), env-substituted
  /// Where each key of the entry stands ("type", "send.url"; "" the entry): the driver checks
  /// its options when it is created and names the line of a bad one.
  source_locations locations;
  double rate_limit = 0;  // outbox pace in SMS segments per second; 0: unlimited
  double rate_burst = 0;  // token bucket size; 0: one second's worth
};

/// Staff webhook of one institution (docs/routing.md): every staff notice is also POSTed here,
/// signed with HMAC-SHA256 over "<timestamp>.<body>" with `secret`.
struct webhook_settings {
  std::string url;                 // empty = no webhook
  std::string secret;              // required when url is set
  std::string format = "generic";  // generic | teams | slack
};

/// SLA overrides of one institution; unset values keep the routing file's (or the defaults:
/// 48 h, 96 h, crisis 30 min / 60 min, follow-up 14 days). Milliseconds.
struct sla_overrides {
  std::optional<std::int64_t> remind_after_ms, escalate_after_ms, crisis_remind_after_ms,
      crisis_escalate_after_ms, escalate_repeat_after_ms, still_open_after_ms, followup_after_ms;
};

struct institution_settings {
  std::string id;
  std::string name;
  std::string country = "FI";            // ISO 3166 region for phone numbers
  std::string timezone = "Europe/Helsinki";
  std::vector<std::string> languages{"fi"};
  std::string default_language = "fi";
  /// SMS sender id; "" (not set): the gateway's own (Twilio `from` or messaging service,
  /// GatewayAPI `sender`), else "tuki" (service::create).
  std::string sender;
  std::string gateway;                   // name of a configured gateway
  std::map<std::string, std::string> helpline;  // language -> how to reach help now
  std::string crisis_contact;            // email told of every crisis ticket
  bool staff_messages_include_text = false;     // privacy: off by default
  /// Routing rules file; empty = <routing_dir>/<id>.yaml when it exists, else built-in defaults.
  std::string routing_file;
  webhook_settings webhook;
  sla_overrides sla;
  std::string schedule_file;             // optional: config/schedules/<id>.yaml (scheduling.md)
};

/// Tickets: signed links and the SLA pump.
struct ticket_settings {
  int link_ttl_hours = 14 * 24;        // lifetime of the action links in staff messages
  int sla_check_interval_ms = 1000;    // how often the SLA pump looks for due tickets
};

struct config {
  std::string source_file;
  std::string public_url;   // how gateways and staff reach this service (callbacks, links)
  std::string log_level = "info";
  std::string dialogs_dir = "dialogs";
  std::string secret;       // key for signed links; from ${TUKI_SECRET} in production
  std::string routing_dir = "config/routing";  // <institution id>.yaml routing rules
  ticket_settings tickets;
  std::string api_token;    // bearer token for POST /v1/events; empty disables the endpoint
  http_settings http;
  outbox_settings outbox;
  scheduler_settings scheduler;
  store_settings store;
  mail_settings mail;
  std::vector<gateway_entry> gateways;
  std::vector<institution_settings> institutions;
  /// Where the keys that name files and directories stand in the file, by path ("dialogs_dir",
  /// "institutions[0].schedule_file"); only keys the file sets.
  source_locations locations;

  const institution_settings* find_institution(std::string_view id) const;
  const gateway_entry* find_gateway(std::string_view name) const;
};

/// Why `secret` (the key of staff action links) is unsafe, or empty when it is not: the shipped
/// placeholder, or shorter than 16 characters. Empty `secret` is allowed (no action links).
std::string weak_secret_reason(const std::string& secret);

/// The institution's languages (`languages`) its `helpline` has no text for, in their order: a
/// crisis answer to a student of one carries another language's helpline text (the service
/// warns of each at start). Empty when `languages` is not set or every one has a text.
std::vector<std::string> languages_without_helpline(const institution_settings& inst);

/// Parses and validates configuration text. `file_name` is used in error messages only.
core::result<config> parse_config(std::string_view yaml_text, std::string_view file_name,
                                  const env_lookup& env);
/// Reads `path` and parses it; a missing or unreadable file is an io_error naming it.
core::result<config> load_config(const std::string& path, const env_lookup& env);

}  // namespace tuki::config
