#include <catch2/catch.hpp>

#include <set>

#include "routing_test_support.hpp"
#include "tuki/core/crypto/hmac.hpp"
#include "tuki/core/routing/action_link.hpp"

using namespace tuki;
using namespace tuki::routing;
using tuki::routing::testing::utc;

namespace {

const std::string key = "link-secret-0123456789";
const core::instant now = utc("2025-03-04T08:00:00Z");

action_link sample(ticket_action a = ticket_action::resolve) {
  action_link l;
  l.ticket_id = "T-42";
  l.action = a;
  l.role = a == ticket_action::reassign ? "nurse" : "";
  l.actor = "anna@varia.fi";
  l.expires = utc("2025-03-11T08:00:00Z");
  l.nonce = "n0nce_ABCdef12";
  return l;
}

std::string link_for(const action_link& l) {
  auto url = make_action_link(key, "https://tuki.varia.fi/", l);
  REQUIRE(url.is_ok());
  return *url;
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const auto at = s.find(from);
  REQUIRE(at != std::string::npos);
  return s.replace(at, from.size(), to);
}

/// Each (what, url) is refused as forged.
void require_forged(const std::vector<std::pair<std::string, std::string>>& tampered) {
  for (const auto& [what, bad] : tampered) {
    CAPTURE(what, bad);
    auto v = verify_action_link(key, bad, now);
    REQUIRE_FALSE(v.is_ok());
    CHECK(v.error().error_code() == core::status::code::unauthenticated);
  }
}

}  // namespace

TEST_CASE("signed link: a valid link verifies and returns every part", "[routing]") {
  const std::string url = link_for(sample());
  CHECK_THAT(url, Catch::StartsWith("https://tuki.varia.fi/t/T-42/resolve?by=anna%40varia.fi&"
                                    "exp=1741680000&n=n0nce_ABCdef12&sig="));
  auto v = verify_action_link(key, url, now);
  REQUIRE(v.is_ok());
  CHECK(v->link == sample());
  CHECK(v->single_use);
  // The request target alone (what the HTTP server sees) verifies too.
  auto t = verify_action_link(key, url.substr(url.find("/t/")), now);
  REQUIRE(t.is_ok());
  CHECK(t->link.nonce == "n0nce_ABCdef12");

  auto ack = verify_action_link(key, link_for(sample(ticket_action::acknowledge)), now);
  REQUIRE(ack.is_ok());
  CHECK_FALSE(ack->single_use);
  auto re = verify_action_link(key, link_for(sample(ticket_action::reassign)), now);
  REQUIRE(re.is_ok());
  CHECK(re->link.role == "nurse");
  CHECK(re->single_use);
  CHECK(verify_action_link(key, link_for(sample(ticket_action::not_mine)), now)->single_use);
}

TEST_CASE("signed link: tampering with any part is rejected", "[routing]") {
  const std::string url = link_for(sample());
  const std::string reassign = link_for(sample(ticket_action::reassign));
  const std::string sig = url.substr(url.find("sig=") + 4);
  std::string flipped = sig;
  flipped[5] = flipped[5] == 'A' ? 'B' : 'A';
  const std::vector<std::pair<std::string, std::string>> tampered = {
      {"ticket id", replace(url, "/T-42/", "/T-43/")},
      {"action", replace(url, "/resolve?", "/acknowledge?")},
      {"actor", replace(url, "by=anna", "by=bert")},
      {"expiry", replace(url, "exp=1741680000", "exp=1741680001")},
      {"nonce", replace(url, "n=n0nce", "n=n1nce")},
      {"signature", replace(url, sig, flipped)},
      {"signature padded", url + "="},
      {"no signature", replace(url, "&sig=" + sig, "")},
      {"role", replace(reassign, "role=nurse", "role=psychologist")},
      {"role removed", replace(reassign, "&role=nurse", "")},
      {"role added", replace(url, "&sig=", "&role=nurse&sig=")},
      {"extra parameter", url + "&x=1"},
      {"repeated parameter", replace(url, "&sig=", "&n=n0nce_ABCdef12&sig=")},
      {"path", replace(url, "/t/T-42/", "/x/T-42/")},
  };
  require_forged(tampered);
  CHECK_FALSE(verify_action_link("another key", url, now).is_ok());
}

TEST_CASE("signed link: expired links are refused", "[routing]") {
  const std::string url = link_for(sample());
  CHECK(verify_action_link(key, url, utc("2025-03-11T07:59:59Z")).is_ok());
  auto v = verify_action_link(key, url, utc("2025-03-11T08:00:00Z"));
  REQUIRE_FALSE(v.is_ok());
  CHECK(v.error().error_code() == core::status::code::permission_denied);
}

TEST_CASE("signed link: the nonce lets the app refuse a reused single-use link", "[routing]") {
  // The app keeps used nonces; this is the contract the core offers it.
  std::set<std::string> used;
  auto use = [&](const std::string& url) -> bool {
    auto v = verify_action_link(key, url, now);
    if (!v) return false;
    if (v->single_use && !used.insert(v->link.nonce).second) return false;
    return true;
  };
  const std::string resolve_url = link_for(sample());
  CHECK(use(resolve_url));
  CHECK_FALSE(use(resolve_url));
  const std::string ack_url = link_for(sample(ticket_action::acknowledge));
  CHECK(use(ack_url));
  CHECK(use(ack_url));  // idempotent
}

TEST_CASE("signed link: malformed parts are not signed", "[routing]") {
  auto bad = sample();
  bad.ticket_id = "T/1";
  CHECK_FALSE(make_action_link(key, "https://x", bad).is_ok());
  bad = sample();
  bad.nonce = "short";
  CHECK_FALSE(make_action_link(key, "https://x", bad).is_ok());
  bad = sample(ticket_action::reassign);
  bad.role.clear();
  CHECK_FALSE(make_action_link(key, "https://x", bad).is_ok());
  bad = sample();
  bad.role = "nurse";
  CHECK_FALSE(make_action_link(key, "https://x", bad).is_ok());
  CHECK_FALSE(make_action_link("", "https://x", sample()).is_ok());
}

namespace {

action_link in_language(std::string language, ticket_action a = ticket_action::resolve) {
  auto l = sample(a);
  l.language = std::move(language);
  return l;
}

}  // namespace

TEST_CASE("signed link: a link without lang is signed exactly as before (v1)", "[routing]") {
  // Links sent before lang existed must keep verifying: the v1 text is unchanged.
  const std::string v1 =
      "tuki-link-v1\nT-42\nresolve\n\nanna@varia.fi\n1741680000\nn0nce_ABCdef12";
  const std::string old = "https://tuki.varia.fi/t/T-42/resolve?by=anna%40varia.fi&"
                          "exp=1741680000&n=n0nce_ABCdef12&sig=" +
                          core::base64url_encode(core::hmac_sha256(key, v1));
  CHECK(link_for(sample()) == old);
  auto v = verify_action_link(key, old, now);
  REQUIRE(v.is_ok());
  CHECK(v->link.language.empty());
  CHECK(v->link == sample());
}

TEST_CASE("signed link: lang is carried and signed like every other part", "[routing]") {
  const std::string url = link_for(in_language("fi"));
  CHECK_THAT(url, Catch::Contains("&n=n0nce_ABCdef12&lang=fi&sig="));
  auto v = verify_action_link(key, url, now);
  REQUIRE(v.is_ok());
  CHECK(v->link.language == "fi");
  CHECK(v->link == in_language("fi"));
  CHECK(verify_action_link(key, link_for(in_language("sv", ticket_action::reassign)), now)
            ->link.language == "sv");

  const std::string v1 = link_for(sample());
  const std::vector<std::pair<std::string, std::string>> tampered = {
      {"lang changed", replace(url, "lang=fi", "lang=sv")},
      {"lang removed", replace(url, "&lang=fi", "")},
      {"lang added to a v1 link", replace(v1, "&sig=", "&lang=fi&sig=")},
      {"empty lang added to a v1 link", replace(v1, "&sig=", "&lang=&sig=")},
      {"lang repeated", replace(url, "&sig=", "&lang=fi&sig=")},
      {"lang upper-cased", replace(url, "lang=fi", "lang=FI")},
  };
  require_forged(tampered);
  // Malformed languages are not signed.
  for (const char* bad : {"f", "FI", "fi-FI", "toolonglang", "f1"}) {
    CAPTURE(bad);
    CHECK_FALSE(make_action_link(key, "https://x", in_language(bad)).is_ok());
  }
}

TEST_CASE("signed link: the unverified lang only words a refusal", "[routing]") {
  const std::string url = link_for(in_language("sv"));
  CHECK(unverified_link_language(url) == "sv");
  CHECK(unverified_link_language(replace(url, "/T-42/", "/T-43/")) == "sv");  // tampered
  CHECK(unverified_link_language(link_for(sample())).empty());
  CHECK(unverified_link_language("/t/1/resolve?lang=%3Cb%3E").empty());
  CHECK(unverified_link_language("/t/1/resolve?lang=FI").empty());
  CHECK(unverified_link_language("/t/1/resolve").empty());
  CHECK(unverified_link_language("/t/1/resolve?lang=%zz").empty());
}
