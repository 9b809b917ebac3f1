#include <catch2/catch.hpp>

#include <map>
#include <sstream>

#include "routing_test_support.hpp"
#include "tuki/core/crypto/hmac.hpp"
#include "tuki/core/routing/mime_encoding.hpp"
#include "tuki/core/routing/staff_email.hpp"

using namespace tuki;
using namespace tuki::routing;
using tuki::routing::testing::utc;

namespace {

const std::string secret_words = "en jaksa enää, kotona riitaa";

staff_notice notice(bool opt_in) {
  staff_notice n;
  n.ticket_id = "T-42";
  n.ticket_url = "https://tuki.varia.fi/tickets/T-42";
  n.student_name = "Sini Äijälä";
  n.student_id = "s-1001";
  n.category = "wellbeing";
  n.urgency = core::urgency::high;
  n.actions = {{ticket_action::acknowledge, "", "https://tuki.varia.fi/t/T-42/acknowledge?sig=a"},
               {ticket_action::resolve, "", "https://tuki.varia.fi/t/T-42/resolve?sig=b"},
               {ticket_action::reassign, "nurse", "https://tuki.varia.fi/t/T-42/reassign?sig=c"},
               {ticket_action::not_mine, "", "https://tuki.varia.fi/t/T-42/not_mine?sig=d"}};
  n.reply_text = secret_words;
  n.include_reply_text = opt_in;
  return n;
}

email_envelope to(std::string language) {
  return {{"tuki@varia.fi", "Tuki-palvelu"},
          {"anna@varia.fi", "Anna Opettaja"},
          std::move(language),
          ""};
}

struct parsed_mail {
  std::map<std::string, std::string> headers;  // unfolded
  std::string boundary;
  std::vector<std::pair<std::string, std::string>> parts;  // content-type, decoded body
};

// A strict little MIME reader: fails the test on structure errors.
parsed_mail parse(const std::string& m) {
  parsed_mail p;
  // Every line ends in CRLF and is at most 78 characters.
  std::size_t pos = 0;
  while (pos < m.size()) {
    const auto end = m.find("\r\n", pos);
    REQUIRE(end != std::string::npos);
    const std::string line = m.substr(pos, end - pos);
    CAPTURE(line);
    CHECK(line.find('\n') == std::string::npos);
    CHECK(line.size() <= 78);
    pos = end + 2;
  }
  const auto header_end = m.find("\r\n\r\n");
  REQUIRE(header_end != std::string::npos);
  std::string last;
  std::istringstream hs(m.substr(0, header_end + 2));
  for (std::string line; std::getline(hs, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (line[0] == ' ') {
      p.headers[last] += line.substr(1);
      continue;
    }
    const auto colon = line.find(": ");
    REQUIRE(colon != std::string::npos);
    last = line.substr(0, colon);
    p.headers[last] = line.substr(colon + 2);
  }
  const std::string ct = p.headers["Content-Type"];
  REQUIRE(ct.rfind("multipart/alternative;", 0) == 0);
  const auto b = ct.find("boundary=\"");
  REQUIRE(b != std::string::npos);
  p.boundary = ct.substr(b + 10, ct.find('"', b + 10) - b - 10);
  const std::string body = m.substr(header_end + 4);
  const std::string delim = "--" + p.boundary;
  REQUIRE(body.rfind(delim + "\r\n", 0) == 0);
  REQUIRE(body.size() >= delim.size() + 4);
  REQUIRE(body.substr(body.size() - delim.size() - 4) == delim + "--\r\n");
  std::size_t at = 0;
  while (true) {
    const auto start = body.find(delim + "\r\n", at);
    if (start == std::string::npos) break;
    const auto part_begin = start + delim.size() + 2;
    auto next = body.find("\r\n" + delim, part_begin);
    REQUIRE(next != std::string::npos);
    const std::string part = body.substr(part_begin, next - part_begin);
    const auto sep = part.find("\r\n\r\n");
    REQUIRE(sep != std::string::npos);
    const std::string head = part.substr(0, sep);
    CHECK(head.find("Content-Transfer-Encoding: quoted-printable") != std::string::npos);
    const auto type_at = head.find("Content-Type: ");
    REQUIRE(type_at != std::string::npos);
    p.parts.emplace_back(head.substr(type_at + 14, head.find("\r\n", type_at) - type_at - 14),
                         quoted_printable_decode(part.substr(sep + 4)));
    at = next + 2;
  }
  return p;
}

std::string decode_words(const std::string& header) {
  std::string out;
  std::size_t at = 0;
  while ((at = header.find("=?UTF-8?B?", at)) != std::string::npos) {
    const auto end = header.find("?=", at + 10);
    std::string bytes;
    REQUIRE(core::base64_decode(header.substr(at + 10, end - at - 10), bytes));
    out += bytes;
    at = end + 2;
  }
  return out;
}

}  // namespace

TEST_CASE("staff email: a valid MIME message with a Finnish subject and no reply text",
          "[routing]") {
  auto mail = render_staff_email(notice(false), to("fi"), utc("2025-03-04T08:00:00Z"));
  REQUIRE(mail.is_ok());
  const parsed_mail p = parse(*mail);
  CHECK(p.headers.at("MIME-Version") == "1.0");
  CHECK(p.headers.at("Date") == "Tue, 04 Mar 2025 08:00:00 +0000");
  CHECK(p.headers.at("To") == "\"Anna Opettaja\" <anna@varia.fi>");
  CHECK_THAT(p.headers.at("From"), Catch::EndsWith(" <tuki@varia.fi>"));
  CHECK_THAT(p.headers.at("Message-ID"),
             Catch::StartsWith("<tuki.") && Catch::EndsWith("@varia.fi>"));
  const std::string subject = p.headers.at("Subject");
  CHECK_THAT(subject, Catch::StartsWith("=?UTF-8?B?"));
  CHECK(decode_words(subject) == "Tukipyyntö (hyvinvointi) – tiketti T-42");

  REQUIRE(p.parts.size() == 2);
  CHECK(p.parts[0].first == "text/plain; charset=utf-8");
  CHECK(p.parts[1].first == "text/html; charset=utf-8");
  const std::string& text = p.parts[0].second;
  CHECK_THAT(text, Catch::Contains("Hei Anna Opettaja,"));
  CHECK_THAT(text, Catch::Contains("Opiskelija: Sini Äijälä (s-1001)"));
  CHECK_THAT(text, Catch::Contains("Aihe: hyvinvointi"));
  CHECK_THAT(text, Catch::Contains("Kiireellisyys: kiireellinen"));
  CHECK_THAT(text, Catch::Contains("Kuittaa: https://tuki.varia.fi/t/T-42/acknowledge?sig=a"));
  CHECK_THAT(text, Catch::Contains("Siirrä: nurse: https://tuki.varia.fi/t/T-42/reassign?sig=c"));
  CHECK_THAT(text, Catch::Contains("Opiskelijan omia viestejä ei näytetä"));
  for (const auto& [type, body] : p.parts) {
    CAPTURE(type);
    CHECK(body.find("riitaa") == std::string::npos);
  }
  CHECK(mail->find("riitaa") == std::string::npos);
  CHECK_THAT(p.parts[1].second,
             Catch::Contains("<a href=\"https://tuki.varia.fi/t/T-42/resolve?sig=b\">"));
}

TEST_CASE("staff email: the reply text is included when the institution opts in", "[routing]") {
  auto mail = render_staff_email(notice(true), to("fi"), utc("2025-03-04T08:00:00Z"));
  REQUIRE(mail.is_ok());
  const parsed_mail p = parse(*mail);
  REQUIRE(p.parts.size() == 2);
  CHECK_THAT(p.parts[0].second, Catch::Contains("Opiskelijan viesti:\n" + secret_words));
  CHECK_THAT(p.parts[1].second, Catch::Contains(secret_words));
  CHECK(p.parts[0].second.find("ei näytetä") == std::string::npos);
}

TEST_CASE("staff email: Swedish, English and fallback languages; reminders; escaping",
          "[routing]") {
  auto n = notice(false);
  n.kind = notice_kind::reminder;
  auto sv = parse(*render_staff_email(n, to("sv"), utc("2025-03-04T08:00:00Z")));
  CHECK(decode_words(sv.headers.at("Subject")) == "Påminnelse: okvitterad stödbegäran T-42");
  CHECK_THAT(sv.parts[0].second, Catch::Contains("Ämne: välmående"));
  n.kind = notice_kind::escalation;
  n.urgency = core::urgency::urgent;
  auto et = parse(*render_staff_email(n, to("et"), utc("2025-03-04T08:00:00Z")));
  CHECK(et.headers.at("Subject") ==
        "URGENT: Escalation: support request T-42 has not been acknowledged");
  CHECK(et.headers.at("Content-Language") == "en");
  n.student_name = "<script>alert(1)</script>";
  auto html = parse(*render_staff_email(n, to("en"), utc("2025-03-04T08:00:00Z")));
  CHECK(html.parts[1].second.find("<script>") == std::string::npos);
  CHECK_THAT(html.parts[1].second, Catch::Contains("&lt;script&gt;"));
}

TEST_CASE("staff email: the transfer button shows the role's name, as the app gives it",
          "[routing][roles]") {
  auto n = notice(false);
  n.actions[2].role_name = "terveydenhoitaja";
  auto fi = parse(*render_staff_email(n, to("fi"), utc("2025-03-04T08:00:00Z")));
  CHECK_THAT(
      fi.parts[0].second,
      Catch::Contains("Siirrä: terveydenhoitaja: https://tuki.varia.fi/t/T-42/reassign?sig=c"));
  CHECK_THAT(fi.parts[1].second, Catch::Contains(">Siirrä: terveydenhoitaja</a>"));
  CHECK_THAT(fi.parts[0].second + fi.parts[1].second, !Catch::Contains("nurse"));
  n.actions[2].role_name = "R&D <b>";
  auto escaped = parse(*render_staff_email(n, to("fi"), utc("2025-03-04T08:00:00Z")));
  CHECK_THAT(escaped.parts[0].second, Catch::Contains("Siirrä: R&D <b>: https://"));
  CHECK_THAT(escaped.parts[1].second, Catch::Contains(">Siirrä: R&amp;D &lt;b&gt;</a>"));
}

TEST_CASE("staff email: header injection and bad addresses are refused", "[routing]") {
  auto env = to("fi");
  env.to.address = "anna@varia.fi\r\nBcc: x@evil.example";
  CHECK_FALSE(render_staff_email(notice(false), env, utc("2025-03-04T08:00:00Z")).is_ok());
  env = to("fi");
  env.to.name = "Anna\r\nBcc: x@evil.example";
  auto mail = render_staff_email(notice(false), env, utc("2025-03-04T08:00:00Z"));
  REQUIRE(mail.is_ok());
  const std::string headers = mail->substr(0, mail->find("\r\n\r\n") + 2);
  CHECK(headers.find("\r\nBcc:") == std::string::npos);
  CHECK_THAT(headers, Catch::Contains("\r\nTo: =?UTF-8?B?"));
}

TEST_CASE("MIME encoders: quoted-printable and encoded words", "[routing]") {
  CHECK(quoted_printable_encode("a=b \nä") == "a=3Db=20\r\n=C3=A4");
  const std::string long_line(200, 'x');
  const std::string qp = quoted_printable_encode(long_line + "ö");
  std::size_t pos = 0;
  while (pos < qp.size()) {
    auto end = qp.find("\r\n", pos);
    if (end == std::string::npos) end = qp.size();
    CHECK(end - pos <= 76);
    pos = end + 2;
  }
  CHECK(quoted_printable_decode(qp) == long_line + "ö");
  CHECK(encode_header_text("plain") == "plain");
  std::string finnish;
  for (int i = 0; i < 40; ++i) finnish += "ä";  // 80 bytes: two words, no split ä
  const std::string words = encode_header_text(finnish);
  CHECK(words.find("\r\n ") != std::string::npos);
  CHECK(decode_words(words) == finnish);
  CHECK(rfc5322_date(utc("2024-02-29T23:59:59Z")) == "Thu, 29 Feb 2024 23:59:59 +0000");
}
