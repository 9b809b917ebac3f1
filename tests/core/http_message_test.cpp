// core::http_request's header helpers.
#include <catch2/catch.hpp>

#include "tuki/core/http_message.hpp"

using tuki::core::http_request;

namespace {

http_request with_authorization(const std::string& value) {
  http_request r;
  r.headers.push_back({"authorization", value});  // header names in any case too
  return r;
}

}  // namespace

TEST_CASE("credentials take the scheme name in any case and one or more spaces", "[http]") {
  CHECK(with_authorization("Bearer s3cret").credentials("Bearer") == "s3cret");
  CHECK(with_authorization("bearer s3cret").credentials("Bearer") == "s3cret");
  CHECK(with_authorization("BEARER   s3cret").credentials("Bearer") == "s3cret");
  CHECK(with_authorization("Basic a2FubmVsOnB3").credentials("basic") == "a2FubmVsOnB3");
}

TEST_CASE("credentials are empty for another scheme, no credentials or no header", "[http]") {
  CHECK(with_authorization("Basic s3cret").credentials("Bearer").empty());
  CHECK(with_authorization("Bearers3cret").credentials("Bearer").empty());
  CHECK(with_authorization("Bearerx s3cret").credentials("Bearer").empty());
  CHECK(with_authorization("Bearer").credentials("Bearer").empty());
  CHECK(with_authorization("Bearer    ").credentials("Bearer").empty());
  CHECK(http_request{}.credentials("Bearer").empty());
}
