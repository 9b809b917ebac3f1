#include "tuki/core/routing/staff_email.hpp"

#include <optional>
#include <string_view>

#include "tuki/core/crypto/hmac.hpp"
#include "tuki/core/routing/mime_encoding.hpp"
#include "tuki/core/text/email_address.hpp"
#include "tuki/core/text/html_escape.hpp"

namespace tuki::routing {
namespace {

// `column`: the characters before it on the line ("To: " = 4). A display name of printable ASCII
// without '"' or '\\' is quoted (and folded at its spaces when long); any other name, or one with a
// word too long to fold, becomes encoded words. The address goes on the name's last line when it
// fits, else on a line of its own.
std::string mailbox(const email_address& a, std::size_t column) {
  const std::string address = "<" + a.address + ">";
  if (a.name.empty()) return address;
  std::optional<std::string> display;
  if (a.name.find_first_of("\"\\") == std::string::npos) {
    display = fold_header_text("\"" + a.name + "\"", column);
  }
  if (!display) display = encode_header_words(a.name, column);
  const auto last_fold = display->rfind("\r\n");
  const std::size_t last_line =
      last_fold == std::string::npos ? column + display->size() : display->size() - last_fold - 2;
  const bool fits = last_line + 1 + address.size() <= encoded_word_line_max;
  return *display + (fits ? " " : "\r\n ") + address;
}

using core::html_escape;

std::string text_body(const staff_notice& n, const notice_wording& w) {
  std::string b = w.greeting + "\n\n" + w.intro + "\n\n";
  b += w.student_label + ": " + n.student_name;
  if (!n.student_id.empty()) b += " (" + n.student_id + ")";
  b += "\n";
  b += w.category_label + ": " + w.category + "\n";
  b += w.urgency_label + ": " + w.urgency + "\n";
  if (!n.follows_up.empty()) b += w.follows_up_label + ": " + n.follows_up + "\n";
  b += "\n";
  if (n.include_reply_text && !n.reply_text.empty()) {
    b += w.reply_heading + "\n" + n.reply_text + "\n\n";
  } else {
    b += w.privacy_note + "\n\n";
  }
  if (!n.ticket_url.empty()) b += w.open_ticket + ": " + n.ticket_url + "\n";
  for (std::size_t i = 0; i < n.actions.size(); ++i) {
    b += w.action_labels[i] + ": " + n.actions[i].url + "\n";
  }
  b += "\n-- \n" + w.footer + "\n";
  return b;
}

std::string html_body(const staff_notice& n, const notice_wording& w) {
  std::string b = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" +
                  html_escape(w.subject) + "</title></head>\n<body>\n";
  b += "<p>" + html_escape(w.greeting) + "</p>\n<p>" + html_escape(w.intro) + "</p>\n<ul>\n";
  b += "<li>" + html_escape(w.student_label) + ": <strong>" + html_escape(n.student_name) +
       "</strong>";
  if (!n.student_id.empty()) b += " (" + html_escape(n.student_id) + ")";
  b += "</li>\n";
  b += "<li>" + html_escape(w.category_label) + ": " + html_escape(w.category) + "</li>\n";
  b += "<li>" + html_escape(w.urgency_label) + ": " + html_escape(w.urgency) + "</li>\n";
  if (!n.follows_up.empty())
    b += "<li>" + html_escape(w.follows_up_label) + ": " + html_escape(n.follows_up) + "</li>\n";
  b += "</ul>\n";
  if (n.include_reply_text && !n.reply_text.empty()) {
    b += "<p>" + html_escape(w.reply_heading) + "</p>\n<blockquote>" + html_escape(n.reply_text) +
         "</blockquote>\n";
  } else {
    b += "<p><em>" + html_escape(w.privacy_note) + "</em></p>\n";
  }
  if (!n.ticket_url.empty())
    b += "<p><a href=\"" + html_escape(n.ticket_url) + "\">" + html_escape(w.open_ticket) +
         "</a></p>\n";
  b += "<p>\n";
  for (std::size_t i = 0; i < n.actions.size(); ++i) {
    b += "<a href=\"" + html_escape(n.actions[i].url) + "\">" + html_escape(w.action_labels[i]) +
         "</a><br>\n";
  }
  b += "</p>\n<p><small>" + html_escape(w.footer) + "</small></p>\n</body></html>\n";
  return b;
}

}  // namespace

core::result<std::string> render_staff_email(const staff_notice& notice,
                                             const email_envelope& envelope, core::instant now) {
  if (!core::is_email_address(envelope.from.address) ||
      !core::is_email_address(envelope.to.address)) {
    return core::status::invalid_argument("staff email needs valid From and To addresses");
  }
  const notice_wording w = word_notice(notice, envelope.to.name, envelope.language);
  const std::string domain = envelope.message_id_domain.empty()
                                 ? envelope.from.address.substr(envelope.from.address.find('@') + 1)
                                 : envelope.message_id_domain;
  const std::string date = rfc5322_date(now);
  // Derived from the inputs (deterministic) but unguessable without them: no ids leak.
  const std::string digest = core::hex_encode(
      core::sha256(notice.ticket_id + "\n" + envelope.to.address + "\n" + date + "\n" +
                   std::to_string(static_cast<int>(notice.kind)) + "\n" + envelope.unique));
  // "=_" cannot occur in quoted-printable output, so the boundary cannot collide with a body.
  const std::string boundary = "=_tuki_" + digest.substr(0, 24);

  std::string m;
  // Fields whose body may fold are rendered knowing how many characters their name takes.
  const auto field = [&m](std::string_view name, auto render) {
    m += name;
    m += render(name.size());
    m += "\r\n";
  };
  field("From: ", [&](std::size_t column) { return mailbox(envelope.from, column); });
  field("To: ", [&](std::size_t column) { return mailbox(envelope.to, column); });
  field("Subject: ", [&](std::size_t column) { return encode_header_text(w.subject, column); });
  m += "Date: " + date + "\r\n";
  m += "Message-ID: <tuki." + digest.substr(24, 24) + "@" + domain + ">\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Type: multipart/alternative;\r\n boundary=\"" + boundary + "\"\r\n";
  m += "Content-Language: " + std::string(notice_language(envelope.language)) + "\r\n";
  m += "Auto-Submitted: auto-generated\r\n";
  m += "\r\n";
  m += "--" + boundary + "\r\n";
  m += "Content-Type: text/plain; charset=utf-8\r\n";
  m += "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
  m += quoted_printable_encode(text_body(notice, w)) + "\r\n";
  m += "--" + boundary + "\r\n";
  m += "Content-Type: text/html; charset=utf-8\r\n";
  m += "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
  m += quoted_printable_encode(html_body(notice, w)) + "\r\n";
  m += "--" + boundary + "--\r\n";
  return m;
}

}  // namespace tuki::routing
