#include <catch2/catch.hpp>

#include "tuki/adapters/http/http_request_text.hpp"

using namespace tuki;
using tuki::adapters::http_request_text;
using tuki::adapters::parse_http_url;

namespace {

core::result<std::string> text(core::http_request r) {
  auto url = parse_http_url(r.target);
  REQUIRE(url);
  return http_request_text(r, *url);
}

}  // namespace

TEST_CASE("a GET is its request line, Host, User-Agent and no body framing", "[http_request_text]") {
  auto t = text({"GET", "http://127.0.0.1:13013/cgi-bin/sendsms?to=%2B358&text=Hei", {}, "", ""});
  REQUIRE(t);
  CHECK(*t ==
        "GET /cgi-bin/sendsms?to=%2B358&text=Hei HTTP/1.1\r\n"
        "Host: 127.0.0.1:13013\r\n"
        "User-Agent: tuki\r\n"
        "\r\n");
}

TEST_CASE("a POST carries its headers in order, its length and its body", "[http_request_text]") {
  std::string body = "{\"text\":\"Hei \xc3\xa4\"}";
  auto t = text({"POST", "http://gw.example/v1/sms",
                 {{"Content-Type", "application/json"}, {"Authorization", "Bearer t0k"},
                  {"Content-Length", "999"}, {"Connection", "close"}, {"Transfer-Encoding", "chunked"},
                  {"Expect", "100-continue"}, {"X-Twice", "1"}, {"X-Twice", "2"}},
                 body, ""});
  REQUIRE(t);
  CHECK(*t ==
        "POST /v1/sms HTTP/1.1\r\n"
        "Host: gw.example\r\n"
        "User-Agent: tuki\r\n"
        "Content-Type: application/json\r\n"
        "Authorization: Bearer t0k\r\n"
        "X-Twice: 1\r\n"
        "X-Twice: 2\r\n"
        "Content-Length: " + std::to_string(body.size()) + "\r\n"
        "\r\n" + body);
}

TEST_CASE("the request's own Host and User-Agent replace the defaults", "[http_request_text]") {
  auto t = text({"PUT", "http://[::1]:8080/p", {{"user-agent", "gw-probe"}, {"HOST", "api.example"}},
                 "", ""});
  REQUIRE(t);
  CHECK(*t ==
        "PUT /p HTTP/1.1\r\n"
        "Host: api.example\r\n"
        "User-Agent: gw-probe\r\n"
        "Content-Length: 0\r\n"
        "\r\n");
}

TEST_CASE("requests that would split on the wire are refused", "[http_request_text]") {
  struct row {
    core::http_request request;
    const char* error;
  };
  const row rows[] = {
      {{"GET", "http://gw.example/", {{"X-A", "v\r\nX-Injected: 1"}}, "", ""}, "line break or NUL"},
      {{"GET", "http://gw.example/", {{"X-A", "v\nw"}}, "", ""}, "line break or NUL"},
      {{"GET", "http://gw.example/", {{"X-A", std::string("v\0w", 3)}}, "", ""}, "line break or NUL"},
      {{"GET", "http://gw.example/", {{"X A", "v"}}, "", ""}, "malformed header name"},
      {{"GET", "http://gw.example/", {{"", "v"}}, "", ""}, "malformed header name"},
      {{"GET", "http://gw.example/a b", {}, "", ""}, "space or control character"},
      {{"GET", "http://gw.example/a\r\nHost: x", {}, "", ""}, "space or control character"},
      {{"DELETE", "http://gw.example/", {}, "", ""}, "unsupported method DELETE"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.request.method, r.request.target, r.error);
    auto t = text(r.request);
    REQUIRE_FALSE(t);
    CHECK_THAT(t.error().message(), Catch::Contains(r.error));
  }
}
