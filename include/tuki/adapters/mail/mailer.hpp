#pragma once
// The mail port. send() blocks until the server accepted or refused the message: call it from
// the mail worker, never from the I/O thread. The result tells an outage (`unavailable`: no
// connection, a timeout, a 4xx answer; it may pass with time) from a refusal (`invalid_argument`:
// a 5xx answer to the message, its sender or every recipient; the same message will be refused
// again) and from a refused login (`unauthenticated`: 5xx to AUTH, the operator's mail.username
// or mail.password), with the server's code and reply for the operator.
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

struct mail_result {
  /// ok: accepted, for every recipient or (see below) for some.
  core::status status;
  /// The server's answer that decided a failure, or with ok the last refused (else deferred)
  /// recipient's: its code (0 when none came) and text, with every email address in it masked
  /// ("<address>") so that it can be logged. Never the message.
  int smtp_code = 0;
  std::string reply;
  /// With ok: recipients the server did not take while it took the others, refused (5xx: it
  /// will not take them later) or deferred (4xx: it may). The addresses, for the caller to act
  /// on: never to be logged.
  std::vector<std::string> refused_recipients;
  std::vector<std::string> deferred_recipients;

  /// A failure with no answer from a server (tuki's own side: a directory, curl itself).
  static mail_result failed(core::status s) {
    mail_result r;
    r.status = std::move(s);
    return r;
  }
};

class mailer {
 public:
  virtual ~mailer() = default;
  virtual mail_result send(const mail_message& message) = 0;
};

/// SMTP through libcurl: smtp:// (STARTTLS when the server offers it; required with
/// require_tls), smtps://, with AUTH when a username is set. A recipient the server refuses
/// does not stop the message to the others (CURLOPT_MAIL_RCPT_ALLOWFAILS): one departed staff
/// address must not hold a crisis alert back from the rest of its recipients.
std::unique_ptr<mailer> make_smtp_mailer(const config::mail_settings& settings);
/// One .eml file per message under settings.dir (created if missing), written atomically.
std::unique_ptr<mailer> make_file_mailer(const config::mail_settings& settings);
/// By settings.type.
std::unique_ptr<mailer> make_mailer(const config::mail_settings& settings);

}  // namespace tuki::adapters
