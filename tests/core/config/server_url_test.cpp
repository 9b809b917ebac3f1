#include "tuki/core/config/server_url.hpp"

#include <catch2/catch.hpp>

#include "tuki/core/config/config.hpp"
#include "tuki/core/config/env_substitution.hpp"

using namespace tuki::config;

TEST_CASE("server URLs: parts are checked, errors quote nothing of the URL", "[config][url]") {
  auto ok = parse_server_url("smtp://user:secret@mail.varia.test:587");
  REQUIRE(ok);
  CHECK(ok->scheme == "smtp");
  CHECK(ok->host == "mail.varia.test");
  CHECK(ok->port == 587);
  CHECK(ok->has_user_info);
  auto v6 = parse_server_url("https://[::1]:8443/cgi-bin/sendsms?user=x");
  REQUIRE(v6);
  CHECK(v6->host == "::1");
  CHECK(v6->port == 8443);
  CHECK_FALSE(v6->has_user_info);
  auto no_port = parse_server_url("smtps://mail.varia.test");
  REQUIRE(no_port);
  CHECK_FALSE(no_port->port);

  struct row {
    const char* url;
    const char* error;
  };
  for (auto r : {row{"smtp://user:secret@host:notaport", "the port must be a number between 1 and 65535"},
                 row{"smtp://user:secret@host:99999", "the port must be a number between 1 and 65535"},
                 row{"smtp://user:secret@host:0", "the port must be a number between 1 and 65535"},
                 row{"smtp://user:secret@:25", "the host is missing"},
                 row{"smtps//user:secret@host", "expected scheme://host[:port]"},
                 row{"http://[::1:80/", "the IPv6 address has no closing ']'"}}) {
    INFO(r.url);
    auto bad = parse_server_url(r.url);
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message() == r.error);
  }
}

TEST_CASE("server URLs: the password of the user info is redacted", "[config][url]") {
  CHECK(redact_url("smtp://user:secret@host:notaport") == "smtp://user:***@host:notaport");
  CHECK(redact_url("smtp://user:p@ss@host:25/x") == "smtp://user:***@host:25/x");
  CHECK(redact_url("smtp://user:pa/ss@host") == "smtp://user:***@host");
  CHECK(redact_url("smtps//user:secret@host") == "smtps//user:***@host");
  CHECK(redact_url("smtp://user@host:25") == "smtp://user@host:25");
  CHECK(redact_url("smtp://host:25") == "smtp://host:25");
  CHECK(redact_url("https://api.example.com:443/send?to=a@b.fi") ==
        "https://api.example.com:443/send?to=a@b.fi");
  CHECK(redact_url("") == "");
}

TEST_CASE("server URLs: a password with an unencoded '#' or '?' is redacted too", "[config][url]") {
  CHECK(redact_url("smtp://tuki:Kx9#Tr2@mail.example:587") == "smtp://tuki:***@mail.example:587");
  CHECK(redact_url("smtp://tuki:pa?ss@mail.example:587") == "smtp://tuki:***@mail.example:587");
  CHECK(redact_url("smtp://tuki:12#34@mail.example") == "smtp://tuki:***@mail.example");
  // The configuration error quotes the URL that failed to parse: never with its password.
  auto c = parse_config(
      "mail:\n  type: smtp\n  url: smtp://tuki:Kx9#Tr2@mail.example:587\n  from: t@varia.test\n",
      "test.yaml", process_env());
  REQUIRE_FALSE(c);
  CHECK_THAT(c.error().message(), !Catch::Contains("Kx9"));
  CHECK_THAT(c.error().message(), !Catch::Contains("Tr2"));
}
