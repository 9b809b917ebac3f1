#pragma once
// The mail port. send() blocks until the server accepted or refused the message: call it from
// the mail worker, never from the I/O thread. An outage is `unavailable` (the outbox retries it
// later); a refusal of the message itself is `invalid_argument` (retrying will not help).
#include <memory>
#include <string>
#include <vector>

#include "tuki/core/config/config.hpp"
#include "tuki/core/status.hpp"

namespace tuki::adapters {

struct mail_message {
  std::string from;                     // envelope sender
  std::vector<std::string> recipients;  // envelope recipients
  std::string mime;                     // the whole RFC 5322 message, CRLF line ends
};

class mailer {
 public:
  virtual ~mailer() = default;
  virtual core::status send(const mail_message& message) = 0;
};

/// SMTP through libcurl: smtp:// (STARTTLS when the server offers it; required with
/// require_tls), smtps://, with AUTH when a username is set.
std::unique_ptr<mailer> make_smtp_mailer(const config::mail_settings& settings);
/// One .eml file per message under settings.dir (created if missing), written atomically.
std::unique_ptr<mailer> make_file_mailer(const config::mail_settings& settings);
/// By settings.type.
std::unique_ptr<mailer> make_mailer(const config::mail_settings& settings);

}  // namespace tuki::adapters
