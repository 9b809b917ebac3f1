#pragma once
// Shared by the MIME tests: a strict reader of header fields as a mail client sees them
// (RFC 5322 unfolding, RFC 2047 encoded words). It fails the running test on what a strict
// client would reject, so tests can compare the text that comes back with the text that went in.
#include <catch2/catch.hpp>

#include <string>
#include <string_view>

#include "tuki/core/crypto/hmac.hpp"
#include "tuki/core/text/utf8_validity.hpp"

namespace tuki::routing::testing {

/// RFC 5322 2.2.3: the field body with every CRLF that precedes a space removed. Each fold must
/// be CRLF + one space followed by text (no line of only whitespace, no doubled indent).
inline std::string unfold(std::string_view body) {
  std::string out;
  std::size_t at = 0;
  while (true) {
    const auto crlf = body.find("\r\n", at);
    out += body.substr(at, crlf - at);
    if (crlf == std::string_view::npos) break;
    CAPTURE(std::string(body));
    REQUIRE(crlf + 2 < body.size());
    CHECK(body[crlf + 2] == ' ');
    CHECK((crlf + 3 < body.size() && body[crlf + 3] != ' ' && body[crlf + 3] != '\t'));
    at = crlf + 2;
  }
  return out;
}

/// RFC 2047 reading of an unfolded header value: each "=?UTF-8?B?...?=" word (at most 75
/// characters, whole UTF-8 characters on its own) is decoded, whitespace between two adjacent
/// encoded words is dropped, everything else is kept as it is.
inline std::string decode_header_value(std::string_view value) {
  constexpr std::string_view open = "=?UTF-8?B?";
  const auto is_space = [](char c) { return c == ' ' || c == '\t'; };
  std::string out;
  std::string pending_space;  // whitespace after an encoded word, kept unless another follows
  bool after_word = false;
  std::size_t i = 0;
  while (i < value.size()) {
    std::size_t j = i;
    const bool space = is_space(value[i]);
    while (j < value.size() && is_space(value[j]) == space) ++j;
    const std::string_view token = value.substr(i, j - i);
    i = j;
    if (space) {
      if (after_word) {
        pending_space = token;
      } else {
        out += token;
      }
      continue;
    }
    CAPTURE(std::string(token));
    const bool encoded = token.substr(0, open.size()) == open && token.size() >= open.size() + 2 &&
                         token.substr(token.size() - 2) == "?=";
    if (!encoded) {
      CHECK(token.find("=?") == std::string_view::npos);  // a malformed encoded word
      out += pending_space;
      out += token;
      pending_space.clear();
      after_word = false;
      continue;
    }
    CHECK(token.size() <= 75);
    std::string bytes;
    REQUIRE(core::base64_decode(token.substr(open.size(), token.size() - open.size() - 2), bytes));
    CAPTURE(bytes);
    CHECK(core::valid_utf8_prefix(bytes) == bytes.size());  // split at a character boundary
    pending_space.clear();
    out += bytes;
    after_word = true;
  }
  return out + pending_space;
}

/// The text a client shows for a folded header field body.
inline std::string read_header(std::string_view body) { return decode_header_value(unfold(body)); }

/// Every line of a header block (field lines ending in CRLF) is at most 78 characters (RFC
/// 5322 2.1.1), and at most 76 when it holds an encoded word (RFC 2047 section 2).
inline void check_header_lines(std::string_view block) {
  std::size_t at = 0;
  while (at < block.size()) {
    auto end = block.find("\r\n", at);
    if (end == std::string_view::npos) end = block.size();
    const std::string line(block.substr(at, end - at));
    CAPTURE(line);
    CHECK(line.size() <= 78);
    if (line.find("=?") != std::string::npos) CHECK(line.size() <= 76);
    at = end + 2;
  }
}

}  // namespace tuki::routing::testing
