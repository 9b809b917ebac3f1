#include "tuki/adapters/gateway/kannel_gateway.hpp"

#include <catch2/catch.hpp>

#include "tuki/core/text/url_encoding.hpp"

using namespace tuki;
using namespace tuki::adapters;

namespace {

// Gateway `kannel` without auth, its listen address unknown.
gateway_settings kannel_settings() {
  return {"kannel",
          "kannel",
          "http://127.0.0.1:18080",
          {{"sendsms_url", "http://127.0.0.1:13013/cgi-bin/sendsms"},
           {"username", "tuki"},
           {"password", "s3cret"}}};
}

std::unique_ptr<sms_gateway> kannel() {
  auto s = kannel_settings();
  s.listen_address = "127.0.0.1";  // without auth: only behind a loopback-only server
  auto g = make_gateway(s);
  INFO(g.error().to_string());
  REQUIRE(g);
  return std::move(*g);
}

core::form_fields query_of(const core::http_request& r) {
  auto q = core::parse_form(r.query());
  REQUIRE(q);
  return *q;
}

core::http_request get(std::string target) {
  core::http_request r;
  r.target = std::move(target);
  return r;
}

}  // namespace

TEST_CASE("kannel: sendsms request carries UTF-8, coding for non-GSM text and a dlr-url with our id", "[gateway][kannel]") {
  auto g = kannel();
  auto fi = g->build_send({42, "+358401234567", "tuki", "Hyvää päivää! Miten menee?"});
  REQUIRE(fi);
  CHECK(fi->method == "GET");
  CHECK(fi->target.rfind("http://127.0.0.1:13013/cgi-bin/sendsms?", 0) == 0);
  auto q = query_of(*fi);
  CHECK(core::form_value(q, "username") == "tuki");
  CHECK(core::form_value(q, "password") == "s3cret");
  CHECK(core::form_value(q, "from") == "tuki");
  CHECK(core::form_value(q, "to") == "+358401234567");
  CHECK(core::form_value(q, "text") == "Hyvää päivää! Miten menee?");
  CHECK(core::form_value(q, "charset") == "UTF-8");
  CHECK_FALSE(core::form_value(q, "coding"));  // Finnish fits GSM-7
  CHECK(core::form_value(q, "dlr-mask") == "31");
  CHECK(core::form_value(q, "dlr-url") ==
        "http://127.0.0.1:18080/v1/gateways/kannel/dlr?msgid=42&status=%d&answer=%A&ts=%T");
  // The dlr-url escapes travel percent-encoded inside the query, as Kannel expects.
  CHECK(fi->target.find("%25d") != std::string::npos);

  auto lv = g->build_send({43, "+37121234567", "tuki", "Kā tev iet ar mācībām?"});
  CHECK(core::form_value(query_of(*lv), "coding") == "2");
}

TEST_CASE("kannel: sendsms answers are classified", "[gateway][kannel]") {
  auto g = kannel();
  struct row {
    int status;
    std::string body, transport;
    send_outcome expected;
    bool account_refused = false;  // our credentials, account or URL: retried, logged once
  };
  std::vector<row> rows{
      {202, "0: Accepted for delivery", "", send_outcome::accepted},
      {202, "3: Queued for later delivery", "", send_outcome::accepted},
      {403, "Authorization failed for sendsms", "", send_outcome::retryable, true},
      {400, "Missing receiver number, rejected", "", send_outcome::permanent},
      // Kannel checks no number or text at sendsms: any other 400 refuses tuki's setup.
      {400, "Sender missing and no global set, rejected", "", send_outcome::retryable, true},
      {400, "Coding field misformed, rejected", "", send_outcome::retryable, true},
      {403, "Not routable. Do not try again.", "", send_outcome::permanent},
      {404, "Unknown request.", "", send_outcome::retryable, true},
      {302, "", "", send_outcome::retryable, true},
      {401, "<html>proxy login</html>", "", send_outcome::retryable, true},
      {408, "", "", send_outcome::retryable},
      {503, "Temporal failure, try again later.", "", send_outcome::retryable},
      {500, "", "", send_outcome::retryable},
      {429, "", "", send_outcome::retryable},
      {0, "", "Connection refused", send_outcome::retryable},
      // A success status without Kannel's answer: a proxy's page, not Kannel.
      {202, "garbage", "", send_outcome::retryable, true},
      {200, "<html>captive portal</html>", "", send_outcome::retryable, true},
  };
  for (const auto& r : rows) {
    INFO(r.status << " " << r.body << " " << r.transport);
    core::http_response resp;
    resp.status = r.status;
    resp.body = r.body;
    auto got = g->parse_send_response(resp, r.transport);
    CHECK(got.outcome == r.expected);
    CHECK(got.account_refused == r.account_refused);
  }
}

TEST_CASE("kannel: an answer's text reaches logs only when it is one of Kannel's own",
          "[gateway][kannel]") {
  auto g = kannel();
  core::http_response resp;
  resp.status = 400;
  resp.body = "Sender missing and no global set, rejected\n";
  CHECK(g->parse_send_response(resp, "").detail ==
        "400 Sender missing and no global set, rejected");
  // A proxy that echoes the request would quote the password, the number and the text.
  for (int status : {200, 401, 502}) {
    CAPTURE(status);
    resp.status = status;
    resp.body = "GET /cgi-bin/sendsms?username=tuki&password=s3cret&to=%2B358401234567&text=hi";
    const auto got = g->parse_send_response(resp, "");
    CHECK(got.detail == std::to_string(status) + " (not Kannel's answer)");
  }
}

TEST_CASE("kannel: MO get-url requests are parsed, as Kannel sends them", "[gateway][kannel]") {
  auto g = kannel();
  auto m = g->parse_inbound(get(
      "/v1/gateways/kannel/inbound?from=%2B37060000001&to=1234&text=B%2C+I+think+it+is+4&time=1795355905"
      "&smsc=fake&id=c4840581-82d1-481b-9574-a76e0b2d581b&coding=0&charset=UTF-8"));
  REQUIRE(m.value);
  CHECK(m.value->from == "+37060000001");
  CHECK(m.value->to == "1234");
  CHECK(m.value->text == "B, I think it is 4");
  CHECK(m.value->gateway_id == "c4840581-82d1-481b-9574-a76e0b2d581b");
  REQUIRE(m.value->sent_at);
  CHECK(core::to_unix_ms(*m.value->sent_at) == 1795355905000);

  auto utf8 = g->parse_inbound(get("/x?from=%2B358401234567&to=tuki&text=" + core::url_encode("ąčęėįšųūž 👍") +
                                   "&id=u1&coding=0&charset=UTF-8"));
  REQUIRE(utf8.value);
  CHECK(utf8.value->text == "ąčęėįšųūž 👍");
  // Without mo-recode a UCS-2 MO arrives as UTF-16BE bytes.
  auto ucs2 = g->parse_inbound(get("/x?from=%2B358401234567&text=%00A%01%0D%D8%3D%DC%4D&id=u2&coding=2&charset=UTF-16BE"));
  REQUIRE(ucs2.value);
  CHECK(ucs2.value->text == "Ač👍");
  // An 8-bit MO may come as ISO-8859-1; the charset's name in any case.
  auto latin1 = g->parse_inbound(get("/x?from=%2B358401234567&text=Olen%20v%E4synyt&id=u3&coding=1&charset=iso-8859-1"));
  REQUIRE(latin1.value);
  CHECK(latin1.value->text == "Olen väsynyt");
  // WINDOWS-1252 is not Latin-1: 0x80 is the euro sign, not U+0080.
  auto cp1252 = g->parse_inbound(
      get("/x?from=%2B358401234567&text=5%20%80%20%93ok%94&id=u4&coding=1&charset=WINDOWS-1252"));
  REQUIRE(cp1252.value);
  CHECK(cp1252.value->text == "5 € “ok”");
  // An unpaired high surrogate keeps the letter after it; an odd final byte is not dropped.
  auto broken = g->parse_inbound(
      get("/x?from=%2B358401234567&text=%D8%3D%00A%00&id=u5&coding=2&charset=UTF-16BE"));
  REQUIRE(broken.value);
  CHECK(broken.value->text == "\uFFFDA\uFFFD");

  CHECK(g->parse_inbound(get("/x?to=1234&text=hi")).error.http_status == 400);
  CHECK(g->parse_inbound(get("/x?from=%2B3584&to=1")).error.reason == "missing 'text'");
  CHECK(g->parse_inbound(get("/x?from=%ZZ&text=1")).error.http_status == 400);
}

TEST_CASE("kannel: delivery reports map Kannel's types", "[gateway][kannel]") {
  auto g = kannel();
  auto ack = g->parse_dlr(get("/v1/gateways/kannel/dlr?msgid=42&status=8&answer=ACK%2F&ts=1795355904"));
  REQUIRE(ack.value);
  CHECK(ack.value->message_id == 42);
  CHECK(ack.value->state == delivery_state::accepted);
  auto done = g->parse_dlr(get("/v1/gateways/kannel/dlr?msgid=42&status=1&answer=&ts=1795355904"));
  REQUIRE(done.value);
  CHECK(done.value->state == delivery_state::delivered);
  CHECK(g->parse_dlr(get("/d?msgid=7&status=2")).value->state == delivery_state::failed);
  CHECK(g->parse_dlr(get("/d?msgid=7&status=16")).value->state == delivery_state::failed);
  CHECK(g->parse_dlr(get("/d?msgid=7&status=4")).value->state == delivery_state::buffered);
  CHECK(g->parse_dlr(get("/d?msgid=7&status=3")).error.http_status == 400);
  // What the client sent is echoed quoted, short and escaped.
  CHECK(g->parse_dlr(get("/d?msgid=7&status=99%0D%0Ax")).error.reason == "bad 'status'");
  CHECK(g->parse_dlr(get("/d?msgid=7&status=1%1B")).error.reason == "bad 'status'");
  CHECK(g->parse_dlr(get("/d?msgid=7&status=3")).error.reason == "unknown DLR type '3'");
  CHECK(g->parse_dlr(get("/d?msgid=abc&status=1")).error.http_status == 400);
  CHECK(g->parse_dlr(get("/d?status=1")).error.http_status == 400);
}

TEST_CASE("kannel: options are validated", "[gateway][kannel]") {
  auto bad = [](nlohmann::json o) {
    return make_gateway({"k", "kannel", "http://x", std::move(o)}).error().message();
  };
  CHECK_THAT(bad({{"username", "u"}, {"password", "p"}}), Catch::Contains("'sendsms_url' is required"));
  CHECK_THAT(bad({{"sendsms_url", "ftp://h/s"}, {"username", "u"}, {"password", "p"}}),
             Catch::EndsWith("'sendsms_url' must be an http:// or https:// URL"));
  // The URL may carry credentials: the error names the problem, not the URL.
  CHECK(bad({{"sendsms_url", "http://u:s3cret@h:notaport/s"}, {"username", "u"}, {"password", "p"}}) ==
        "gateway 'k': option 'sendsms_url' must be an http:// or https:// URL: the port must be a "
        "number between 1 and 65535");
  CHECK_THAT(bad({{"sendsms_url", "http://h/s"}, {"password", "p"}}), Catch::Contains("'username' is required"));
  CHECK_THAT(bad({{"sendsms_url", "http://h/s"}, {"username", "u"}, {"password", "p"}, {"dlr_mask", 99}}),
             Catch::Contains("'dlr_mask' must be 0..31"));
  CHECK_THAT(bad({{"sendsms_url", "http://h/s"}, {"username", "u"}, {"password", "p"}, {"pasword", "x"}}),
             Catch::Contains("option 'pasword' is unknown"));
  CHECK_THAT(make_gateway({"x", "carrier-pigeon", "", {}}).error().message(),
             Catch::Contains("unknown type 'carrier-pigeon'"));
}

TEST_CASE("kannel: the auth option guards callbacks and puts the path secret into the dlr-url",
          "[gateway][kannel]") {
  gateway_settings s{"kannel", "kannel", "http://127.0.0.1:18080",
                     {{"sendsms_url", "http://127.0.0.1:13013/cgi-bin/sendsms"},
                      {"username", "tuki"}, {"password", "s3cret"},
                      {"auth", {{"allow_ips", {"127.0.0.1"}},
                                {"path_secret", "Zq3-long_random.secret~1"}}}}};
  auto g = make_gateway(s);
  INFO(g.error().to_string());
  REQUIRE(g);
  auto send = (*g)->build_send({42, "+358401234567", "tuki", "Moi"});
  REQUIRE(send);
  CHECK(core::form_value(query_of(*send), "dlr-url") ==
        "http://127.0.0.1:18080/v1/gateways/kannel/dlr/Zq3-long_random.secret~1"
        "?msgid=42&status=%d&answer=%A&ts=%T");

  auto ok = get("/v1/gateways/kannel/inbound/Zq3-long_random.secret~1?from=%2B358401234567&text=2");
  ok.remote_address = "127.0.0.1";
  CHECK((*g)->authenticate(ok).is_ok());
  auto no_secret = get("/v1/gateways/kannel/inbound?from=%2B358401234567&text=2");
  no_secret.remote_address = "127.0.0.1";
  CHECK((*g)->authenticate(no_secret).error_code() == core::status::code::unauthenticated);
  auto elsewhere = ok;
  elsewhere.remote_address = "192.0.2.7";
  CHECK((*g)->authenticate(elsewhere).error_code() == core::status::code::permission_denied);

  s.options["auth"] = {{"allow_ips", {"not-an-address"}}};
  CHECK_FALSE(make_gateway(s));
}

TEST_CASE("kannel: without auth it starts only behind a loopback-only server",
          "[gateway][kannel]") {
  auto s = kannel_settings();
  for (const char* listen : {"0.0.0.0", "::", "192.0.2.10", "2001:db8::1", "::ffff:192.0.2.10"}) {
    INFO(listen);
    s.listen_address = listen;
    auto g = make_gateway(s);
    REQUIRE_FALSE(g);
    CHECK(g.error().message() ==
          "gateway 'kannel': option 'auth' is required (tuki listens on " + std::string(listen) +
              ", not on loopback only): Kannel signs nothing, so anyone who can reach the port "
              "could forge replies, STOPs and delivery reports; add auth.allow_ips (the smsbox "
              "host), auth.path_secret or auth.basic (docs/gateways.md)");
  }
  s.listen_address = "";  // settings built in code: reachable from anywhere
  CHECK_THAT(make_gateway(s).error().message(),
             Catch::StartsWith("gateway 'kannel': option 'auth' is required: Kannel signs"));
  for (const char* listen : {"127.0.0.1", "127.0.0.53", "::1", "::ffff:127.0.0.1", "::1%lo"}) {
    INFO(listen);
    s.listen_address = listen;
    auto g = make_gateway(s);
    REQUIRE(g);
    CHECK((*g)->callbacks_unauthenticated());  // the service warns: gateway_unauthenticated
    CHECK((*g)->callbacks_trust_this_host());
  }
  // A public_url elsewhere is a way in from other hosts (a reverse proxy on this host relays
  // them from 127.0.0.1): auth is required even though tuki listens on loopback.
  s.listen_address = "127.0.0.1";
  s.public_base_url = "https://tuki.varia.fi";
  CHECK(make_gateway(s).error().message() ==
        "gateway 'kannel': option 'auth' is required (public_url 'https://tuki.varia.fi' is not "
        "on loopback: others reach tuki through it): Kannel signs nothing, so anyone who can "
        "reach the port could forge replies, STOPs and delivery reports; add auth.allow_ips (the "
        "smsbox host), auth.path_secret or auth.basic (docs/gateways.md)");
  s.public_base_url = "http://127.0.0.1:18080";
  s.listen_address = "0.0.0.0";
  for (const char* key : {"allow_ips", "basic", "path_secret"}) {
    INFO(key);
    nlohmann::json auth;
    if (std::string(key) == "allow_ips") auth[key] = {"192.0.2.10"};
    if (std::string(key) == "basic") auth[key] = {{"username", "kannel"}, {"password", "pw"}};
    if (std::string(key) == "path_secret") auth[key] = "Zq3-long_random.secret~1";
    s.options["auth"] = auth;
    auto g = make_gateway(s);
    INFO(g.error().to_string());
    REQUIRE(g);
    CHECK_FALSE((*g)->callbacks_unauthenticated());
  }
}

TEST_CASE("kannel: without auth, or with allow_ips of this host only, a relayed request is refused",
          "[gateway][kannel]") {
  auto g = kannel();  // no auth, behind a loopback-only server
  core::http_request r;
  r.target = "/v1/gateways/kannel/inbound?from=%2B358401234567&text=hei&id=a1";
  r.remote_address = "127.0.0.1";
  CHECK(g->authenticate(r).is_ok());
  r.headers.push_back({"X-Real-IP", "203.0.113.9"});
  CHECK(g->authenticate(r).error_code() == core::status::code::permission_denied);

  auto s = kannel_settings();
  s.listen_address = "0.0.0.0";
  s.options["auth"] = {{"allow_ips", {"127.0.0.1"}}};
  auto local = make_gateway(s);
  REQUIRE(local);
  CHECK((*local)->callbacks_trust_this_host());  // the service warns if public_url is elsewhere
  CHECK((*local)->authenticate(r).error_code() == core::status::code::permission_denied);
  s.options["auth"] = {{"allow_ips", {"127.0.0.1"}}, {"path_secret", "Zq3-long_random.secret~1"}};
  CHECK_FALSE((*make_gateway(s))->callbacks_trust_this_host());
}
