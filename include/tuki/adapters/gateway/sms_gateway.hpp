#pragma once
// The SMS gateway port. A driver is a pure translator between tuki and one gateway's HTTP API:
// it builds the outgoing request for a message, classifies the gateway's answer, and parses the
// gateway's inbound (MO) and delivery-report (DLR) requests. It performs no I/O: the outbox pump
// carries its requests out over libcurl, and the HTTP server hands it what arrives. That keeps
// every driver testable against recorded request/response pairs.
//
// Thread-safety: drivers are immutable after construction; all methods are const and may be
// called from any thread.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tuki/core/config/source_locations.hpp"
#include "tuki/core/http_message.hpp"
#include "tuki/core/instant.hpp"
#include "tuki/core/status.hpp"

namespace tuki::adapters {

/// One SMS to send. `message_id` is tuki's own id; drivers put it where the gateway echoes it
/// back in delivery reports (Kannel: the dlr-url).
struct outbound_sms {
  std::int64_t message_id = 0;
  std::string to;    // E.164
  std::string from;  // sender id of the institution; "": the gateway's own
  std::string text;  // UTF-8
};

/// How the gateway answered a send. `retryable` covers connection errors, timeouts, 5xx and 429,
/// and refusals of our account or setup (401, 402, 403, 404, 408, a redirect, an answer that is
/// not the gateway's): those are the gateway's or the operator's to fix, not the recipient's, so
/// the message waits for them; `permanent` a refusal of this recipient or message (an invalid
/// number); `opted_out` a recipient who blocked us at the gateway.
enum class send_outcome { accepted, retryable, permanent, opted_out };

struct send_result {
  send_outcome outcome = send_outcome::retryable;
  std::string gateway_ref;  // the gateway's message id when it gives one
  std::string detail;       // short reason for logs (no message text)
  /// With `retryable`: the gateway refused our account or setup (credentials, a suspended or
  /// unpaid account, a wrong URL). Retried like an outage; the outbox logs it as an error.
  bool account_refused = false;
  /// The answer's Retry-After header when it was a 429 or 503 (app::with_retry_after): the
  /// next attempt waits at least that long.
  std::string retry_after = {};
};

/// A gateway's HTTP refusal `status` that no code of the driver's explains, with `detail` for
/// the log: 408, 425, 429 and 5xx retryable; a redirect, 401, 402, 403, 404, 405, 407, 410 and
/// anything below 200 retryable and `account_refused` (our credentials, account or URL); other
/// 4xx (400, 413, 422...: this message or number) permanent.
send_result http_refusal(int status, std::string detail);

/// A student's message as the gateway delivered it to us.
struct inbound_sms {
  std::string from;        // the student's number as sent by the gateway
  std::string to;          // our number / sender id
  std::string text;        // UTF-8
  std::string gateway_id;  // the gateway's id for deduplication of retries ("" if none)
  std::optional<core::instant> sent_at;
  /// The keyword ("stop", "start" or "help") the gateway has already answered itself (Twilio's
  /// Advanced Opt-Out: `OptOutType`): tuki acts on it but does not answer it a second time.
  std::string keyword_answered;
};

enum class delivery_state { accepted, buffered, delivered, failed };

struct delivery_report {
  std::int64_t message_id = 0;  // tuki's id, recovered from the callback
  delivery_state state = delivery_state::accepted;
  std::string detail;  // gateway code/answer, for logs and the status history
  bool opted_out = false;  // the gateway refused because the recipient opted out (Twilio 21610)
  /// A failure of the gateway's own capacity, not of the recipient (Twilio 30001: its queue
  /// overflowed; 63018: a rate limit): not counted against the student, and sent again
  /// (conversation::apply_delivery_report).
  bool gateway_congested = false;
};

/// What a driver returns when a request that reached its endpoint is not for it or is invalid.
/// `http_status` is what the endpoint answers (400 malformed, 401/403 failed authentication).
struct inbound_error {
  int http_status = 400;
  std::string reason;
};

template <class T>
struct parsed {
  std::optional<T> value;
  inbound_error error;
  static parsed ok(T v) { return {std::move(v), {}}; }
  static parsed fail(int status, std::string reason) { return {std::nullopt, {status, std::move(reason)}}; }
};

class sms_gateway {
 public:
  virtual ~sms_gateway() = default;
  /// The name this gateway was configured under (URL segment: /v1/gateways/{name}/...).
  virtual const std::string& name() const = 0;
  /// The HTTP request that sends `sms`, or nullopt for a gateway that delivers without HTTP
  /// (console). `dlr_base_url` is tuki's public base URL for callbacks ("http://host:port").
  virtual std::optional<core::http_request> build_send(const outbound_sms& sms) const = 0;
  /// Classifies the gateway's answer to build_send's request. `transport_error` is set (and the
  /// response empty) when no HTTP answer arrived.
  virtual send_result parse_send_response(const core::http_response& response,
                                          const std::string& transport_error) const = 0;
  /// Parses a student's reply request (after authenticate() passed).
  virtual parsed<inbound_sms> parse_inbound(const core::http_request& request) const = 0;
  /// Parses a delivery report request (after authenticate() passed).
  virtual parsed<delivery_report> parse_dlr(const core::http_request& request) const = 0;
  /// Checks the request's signature, secret or source address. `public_url` is the URL the
  /// gateway called, as configured (signatures cover it). unauthenticated (401) or
  /// permission_denied (403) refuse it; invalid_argument (400) when the request cannot even be
  /// read to check it (a malformed form body).
  virtual core::status authenticate(const core::http_request& request) const = 0;
  /// What the endpoint answers once the request is durably stored (most gateways: 200 "OK").
  virtual core::http_response acknowledge() const { return core::http_response::text(200, "OK"); }
  /// True when authenticate() checks nothing at all: a driver without signatures configured
  /// without `auth`, which its factory allows only behind a loopback-only server
  /// (gateway_settings::listen_address). The service warns of it at start.
  virtual bool callbacks_unauthenticated() const { return false; }
  /// True when authenticate() admits anything that comes from this host: no check at all, or
  /// `allow_ips` of loopback addresses only. A reverse proxy on this host would relay anyone's
  /// requests as this host's, so the service warns when public_url is not on loopback, and such
  /// a driver refuses a request that says it was relayed (relayed_by_proxy).
  virtual bool callbacks_trust_this_host() const { return false; }
  /// True when the gateway's own options name the sender (Twilio `from` or messaging service,
  /// GatewayAPI `sender`): an institution without `sender` sends from it.
  virtual bool has_own_sender() const { return false; }
};

/// Settings of one configured gateway: its name, its driver type and the driver's own keys.
struct gateway_settings {
  std::string name;
  std::string type;              // "console", "kannel", "twilio", "gatewayapi", "http_json"
  std::string public_base_url;   // tuki's own base URL as the gateway reaches it (callbacks)
  nlohmann::json options;        // driver-specific keys, validated by the driver's factory
  /// Wall clock for drivers whose authentication has a time window (http_json timestamps,
  /// JWT `exp`). Set by the app (system clock) or a test (fake clock); drivers never read the
  /// system clock themselves. May be empty for drivers that do not need it.
  std::function<core::instant()> clock = {};
  /// Where the entry and its keys stand in the configuration file (config::gateway_entry), for
  /// errors that name the line; empty for settings built in code.
  config::source_locations locations = {};
  /// The address tuki's HTTP server listens on (config http.listen), which decides who can
  /// reach the callbacks. Empty when unknown (settings built in code): reachable from anywhere.
  std::string listen_address = {};
};

using gateway_factory =
    std::function<core::result<std::unique_ptr<sms_gateway>>(const gateway_settings&)>;

/// Registers a driver type; drivers call this from a static registrar in their own file.
bool register_gateway_type(const std::string& type, gateway_factory factory);
/// Creates the driver for `settings.type`, or invalid_argument naming the type or bad option
/// (prefixed with its file:line:column when `settings.locations` knows it).
core::result<std::unique_ptr<sms_gateway>> make_gateway(const gateway_settings& settings);
/// The registered types, sorted (for error messages and `tuki --version`).
std::vector<std::string> gateway_types();

}  // namespace tuki::adapters
