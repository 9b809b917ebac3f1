#include "tuki/app/staff_notice.hpp"

#include <date/date.h>

#include "tuki/core/crypto/hmac.hpp"

namespace tuki::app {
namespace {

std::string rfc5322_date(core::instant now) {
  return date::format("%a, %d %b %Y %H:%M:%S +0000", date::floor<std::chrono::seconds>(now));
}

// RFC 2047 encoded-word for a UTF-8 header value.
std::string encode_header(const std::string& s) {
  for (unsigned char c : s)
    if (c >= 0x80) return "=?UTF-8?B?" + core::base64_encode(s) + "?=";
  return s;
}

}  // namespace

adapters::mail_message compose_ticket_notice(const adapters::ticket_row& ticket,
                                             const core::student& student, const assignment& who,
                                             const config::institution_settings& institution,
                                             const config::config& cfg, core::instant now) {
  std::string id = std::to_string(ticket.id);
  std::string link = cfg.public_url + "/v1/tickets/" + id;
  bool urgent = ticket.urgency == "urgent";
  std::string subject = std::string(urgent ? "URGENT: " : "") + "tuki ticket #" + id + ": " +
                        ticket.category + " (" + institution.name + ")";
  std::string text;
  text += "A student needs support.\r\n\r\n";
  text += "Student: " + student.first_name + " (" + student.ref + ")";
  if (!student.group.empty()) text += ", group " + student.group;
  text += "\r\nCategory: " + ticket.category + "\r\nUrgency: " + ticket.urgency +
          "\r\nYour role: " + who.role + "\r\n\r\n";
  if (institution.staff_messages_include_text && !ticket.excerpt.empty())
    text += "The student wrote: \"" + ticket.excerpt + "\"\r\n\r\n";
  text += "Open the ticket: " + link + "\r\n\r\n";
  text += urgent ? "This is a crisis message: please contact the student now.\r\n"
                 : "Please contact the student within two working days.\r\n";
  std::string to;
  for (const auto& e : who.emails) to += (to.empty() ? "" : ", ") + e;
  std::string mime;
  mime += "From: " + cfg.mail.from + "\r\n";
  mime += "To: " + to + "\r\n";
  mime += "Subject: " + encode_header(subject) + "\r\n";
  mime += "Date: " + rfc5322_date(now) + "\r\n";
  mime += "Message-ID: <ticket-" + id + "." + std::to_string(core::to_unix_ms(now)) + "@tuki>\r\n";
  mime += "MIME-Version: 1.0\r\n";
  mime += "Content-Type: text/plain; charset=utf-8\r\n";
  mime += "Content-Transfer-Encoding: base64\r\n\r\n";
  std::string b64 = core::base64_encode(text);
  for (std::size_t i = 0; i < b64.size(); i += 76) mime += b64.substr(i, 76) + "\r\n";
  return {cfg.mail.from, who.emails, mime};
}

}  // namespace tuki::app
