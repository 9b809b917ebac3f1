#include "tuki/core/text/url_encoding.hpp"

#include <array>

namespace tuki::core {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 3986 unreserved characters, as a table: url_encode runs on every outbound SMS's text.
constexpr std::array<bool, 256> unreserved = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c)
    t[c] = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
  return t;
}();

std::size_t encoded_size(std::string_view s) {
  std::size_t size = 0;
  for (unsigned char c : s) size += unreserved[c] ? 1 : 3;
  return size;
}

}  // namespace

void append_url_encoded(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::size_t at = out.size();
  out.resize(at + encoded_size(s));
  char* p = out.data() + at;
  for (unsigned char c : s) {
    if (unreserved[c]) {
      *p++ = static_cast<char>(c);
    } else {
      *p++ = '%';
      *p++ = hex[c >> 4];
      *p++ = hex[c & 15];
    }
  }
}

std::string url_encode(std::string_view s) {
  std::string out;
  append_url_encoded(out, s);
  return out;
}

std::optional<std::string> url_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::optional<form_fields> parse_form(std::string_view body) {
  form_fields out;
  while (!body.empty()) {
    auto amp = body.find('&');
    std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    auto key = url_decode(pair.substr(0, eq));
    auto value = url_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
    if (!key || !value) return std::nullopt;
    out.emplace_back(std::move(*key), std::move(*value));
  }
  return out;
}

std::string encode_form(const form_fields& fields) {
  std::size_t size = 0;
  for (const auto& [k, v] : fields) size += encoded_size(k) + encoded_size(v) + 2;
  std::string out;
  out.reserve(size);
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out.push_back('&');
    append_url_encoded(out, k);
    out.push_back('=');
    append_url_encoded(out, v);
  }
  return out;
}

std::optional<std::string_view> form_value(const form_fields& fields, std::string_view key) {
  for (const auto& [k, v] : fields)
    if (k == key) return std::string_view(v);
  return std::nullopt;
}

}  // namespace tuki::core
