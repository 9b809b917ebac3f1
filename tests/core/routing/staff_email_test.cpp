#include <catch2/catch.hpp>

#include <map>
#include <vector>

#include "encoded_word_reader.hpp"
#include "routing_test_support.hpp"
#include "tuki/core/routing/mime_encoding.hpp"
#include "tuki/core/routing/staff_email.hpp"

using namespace tuki;
using namespace tuki::routing;
using tuki::routing::testing::check_header_lines;
using tuki::routing::testing::decode_header_value;
using tuki::routing::testing::unfold;
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
          "",
          ""};
}

struct parsed_mail {
  std::map<std::string, std::string> headers;  // unfolded (RFC 5322 2.2.3), not decoded
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
  const std::string head = m.substr(0, header_end + 2);
  check_header_lines(head);
  std::map<std::string, std::string> folded;
  std::string last;
  for (std::size_t at = 0; at < head.size();) {
    const auto end = head.find("\r\n", at);
    const std::string line = head.substr(at, end - at);
    at = end + 2;
    if (line[0] == ' ' || line[0] == '\t') {
      REQUIRE(!last.empty());
      folded[last] += "\r\n" + line;
      continue;
    }
    const auto colon = line.find(": ");
    REQUIRE(colon != std::string::npos);
    last = line.substr(0, colon);
    REQUIRE(folded.count(last) == 0);
    folded[last] = line.substr(colon + 2);
  }
  for (const auto& [name, body] : folded) p.headers[name] = unfold(body);
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
  CHECK(decode_header_value(subject) == "Tukipyyntö (hyvinvointi) – tiketti T-42");

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
  // Nothing shows the student's words to staff yet (the ticket page is a placeholder until the
  // staff inbox): the email must not send them to look there.
  CHECK_THAT(text, Catch::Contains("Ota yhteyttä opiskelijaan suoraan."));
  CHECK_THAT(text, !Catch::Contains("Lue ne tiketistä"));
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
  CHECK(decode_header_value(sv.headers.at("Subject")) == "Påminnelse: okvitterad stödbegäran T-42");
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

TEST_CASE("staff email: every subject fits its lines and reads back, in every kind and language",
          "[routing][mime]") {
  struct ticket_case {
    std::string id, category;
  };
  const std::vector<ticket_case> tickets = {
      {"T-42", "wellbeing"},
      {"T-2025-000000123456", "wellbeing"},
      {"T-42", "exam stress and study planning at the end of the spring term"},
      {"T-2025-000000123456-" + std::string(40, '9'), "opintojen_suunnittelu_ja_tenttistressi"},
  };
  for (const char* language : {"fi", "sv", "en"}) {
    for (auto kind : {notice_kind::new_ticket, notice_kind::reminder, notice_kind::escalation,
                      notice_kind::student_wrote, notice_kind::unregistered_crisis}) {
      for (auto urgency : {core::urgency::high, core::urgency::urgent}) {
        for (const auto& t : tickets) {
          auto n = notice(false);
          n.kind = kind;
          n.urgency = urgency;
          n.ticket_id = t.id;
          n.category = t.category;
          CAPTURE(language, static_cast<int>(kind), static_cast<int>(urgency), t.id, t.category);
          auto mail = render_staff_email(n, to(language), utc("2025-03-04T08:00:00Z"));
          REQUIRE(mail.is_ok());
          const parsed_mail p = parse(*mail);
          CHECK(decode_header_value(p.headers.at("Subject")) ==
                word_notice(n, "Anna Opettaja", language).subject);
          CHECK(decode_header_value(p.headers.at("From")) == "\"Tuki-palvelu\" <tuki@varia.fi>");
          CHECK(decode_header_value(p.headers.at("To")) == "\"Anna Opettaja\" <anna@varia.fi>");
        }
      }
    }
  }
}

TEST_CASE("staff email: the Swedish and English new-ticket subjects fold into encoded words",
          "[routing][mime]") {
  auto sv = render_staff_email(notice(false), to("sv"), utc("2025-03-04T08:00:00Z"));
  REQUIRE(sv.is_ok());
  CHECK(decode_header_value(parse(*sv).headers.at("Subject")) ==
        "Stödbegäran (välmående) – ärende T-42");
  auto en = render_staff_email(notice(false), to("en"), utc("2025-03-04T08:00:00Z"));
  REQUIRE(en.is_ok());
  CHECK(decode_header_value(parse(*en).headers.at("Subject")) ==
        "Support request (wellbeing) – ticket T-42");
}

TEST_CASE("staff email: a plain ASCII subject that fits is written unchanged", "[routing][mime]") {
  auto n = notice(false);
  n.kind = notice_kind::escalation;
  auto mail = render_staff_email(n, to("en"), utc("2025-03-04T08:00:00Z"));
  REQUIRE(mail.is_ok());
  CHECK_THAT(*mail,
             Catch::Contains(
                 "\r\nSubject: Escalation: support request T-42 has not been acknowledged\r\n"));
}

TEST_CASE("staff email: long display names fold and read back", "[routing][mime]") {
  const std::string ascii =
      "Anna Maria Opettaja, student counsellor, Varia vocational college, Helsinki unit";
  const std::string finnish =
      "Anna-Maria Äijälä-Östergård (kuraattori, Varian ammattiopisto, Helsingin yksikkö) 🌱";
  const std::string quoting = "Anna \"Annu\" Opettaja";
  for (const std::string& name : {ascii, finnish, quoting}) {
    auto env = to("fi");
    env.to.name = name;
    env.from.name = name;
    CAPTURE(name);
    auto mail = render_staff_email(notice(false), env, utc("2025-03-04T08:00:00Z"));
    REQUIRE(mail.is_ok());
    const parsed_mail p = parse(*mail);
    const auto shown = [&](const std::string& addr) {
      return (name == ascii ? "\"" + name + "\"" : name) + " <" + addr + ">";
    };
    CHECK(decode_header_value(p.headers.at("To")) == shown("anna@varia.fi"));
    CHECK(decode_header_value(p.headers.at("From")) == shown("tuki@varia.fi"));
  }
  // A name with quotes or backslashes is sent as encoded words, never as bare specials.
  auto env = to("fi");
  env.to.name = quoting;
  auto mail = render_staff_email(notice(false), env, utc("2025-03-04T08:00:00Z"));
  REQUIRE(mail.is_ok());
  CHECK_THAT(parse(*mail).headers.at("To"), Catch::StartsWith("=?UTF-8?B?"));
}
