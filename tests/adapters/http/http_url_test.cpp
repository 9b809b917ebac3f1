#include <catch2/catch.hpp>

#include "tuki/adapters/http/http_url.hpp"

using tuki::adapters::parse_http_url;

TEST_CASE("http URLs split into host, port and target", "[http_url]") {
  struct row {
    const char* url;
    const char* host;
    const char* port;
    const char* target;
    const char* host_header;
  };
  const row rows[] = {
      {"http://127.0.0.1:13013/cgi-bin/sendsms?user=a&text=b", "127.0.0.1", "13013",
       "/cgi-bin/sendsms?user=a&text=b", "127.0.0.1:13013"},
      {"http://gw.example", "gw.example", "80", "/", "gw.example"},
      {"HTTP://gw.example:80/x#frag", "gw.example", "80", "/x", "gw.example"},
      {"http://gw.example?x=1", "gw.example", "80", "/?x=1", "gw.example"},
      {"http://[::1]:8080/p", "::1", "8080", "/p", "[::1]:8080"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.url);
    auto u = parse_http_url(r.url);
    REQUIRE(u.has_value());
    CHECK(u->host == r.host);
    CHECK(u->port == r.port);
    CHECK(u->target == r.target);
    CHECK(u->host_header() == r.host_header);
  }
}

TEST_CASE("URLs the plain client does not take are refused", "[http_url]") {
  for (const char* url : {"https://api.twilio.com/x", "ftp://h/", "http://", "http://:80/",
                          "http://u:p@h/", "http://h:0/", "http://h:65536/", "http://h:8a/",
                          "http://[::1/"}) {
    CAPTURE(url);
    CHECK_FALSE(parse_http_url(url).has_value());
  }
}
