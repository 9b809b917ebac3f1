#pragma once
// The full MIME message of a staff notice (pure): headers From, To, Subject, Date, Message-ID,
// MIME-Version, then multipart/alternative with a text/plain and a text/html part, both UTF-8
// quoted-printable. Lines end in CRLF and stay within 78 characters. The app hands the text to
// its mailer (SMTP DATA) unchanged. Date and Message-ID come from `now` and the notice, so the
// same inputs give the same bytes.
#include <string>

#include "tuki/core/instant.hpp"
#include "tuki/core/routing/staff_notice.hpp"
#include "tuki/core/status.hpp"

namespace tuki::routing {

struct email_address {
  std::string address;  // "anna@varia.fi"
  std::string name;     // display name, any UTF-8; may be empty
};

struct email_envelope {
  email_address from;
  email_address to;
  std::string language = "en";  // the recipient's language (staff_member::language)
  /// Right-hand side of Message-ID; empty = the domain of from.address.
  std::string message_id_domain;
  /// Unique to this email (the app's random nonce): two notices of one kind to one person in one
  /// second get Message-IDs (and MIME boundaries) of their own.
  std::string unique;
};

/// invalid_argument when an address is malformed (no '@', or CR, LF, '<', '>', ',', spaces).
core::result<std::string> render_staff_email(const staff_notice& notice,
                                             const email_envelope& envelope, core::instant now);

}  // namespace tuki::routing
