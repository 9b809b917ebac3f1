#include "tuki/adapters/http/http_request_text.hpp"

#include <boost/beast/core/string.hpp>

namespace tuki::adapters {
namespace {

bool iequals(std::string_view a, std::string_view b) { return boost::beast::iequals(a, b); }

// RFC 9110 token characters: what a field name may hold.
bool token_char(unsigned char c) {
  if (c >= '0' && c <= '9') return true;
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

bool valid_name(std::string_view name) {
  if (name.empty()) return false;
  for (unsigned char c : name)
    if (!token_char(c)) return false;
  return true;
}

bool valid_value(std::string_view value) {
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

// The request line's target: no space, control character or DEL (they would split the line).
bool valid_target(std::string_view target) {
  for (unsigned char c : target)
    if (c <= ' ' || c == 0x7f) return false;
  return !target.empty();
}

bool client_owned(std::string_view name) {
  return iequals(name, "content-length") || iequals(name, "transfer-encoding") ||
         iequals(name, "expect") || iequals(name, "connection");
}

void add_field(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append(": ").append(value).append("\r\n");
}

}  // namespace

core::result<std::string> http_request_text(const core::http_request& request, const http_url& url) {
  const std::string& method = request.method;
  if (method != "GET" && method != "POST" && method != "PUT")
    return core::status::invalid_argument("unsupported method " + method);
  std::string_view host, agent;
  std::size_t header_bytes = 0;
  for (const auto& h : request.headers) {
    if (!valid_name(h.name)) return core::status::invalid_argument("malformed header name");
    if (!valid_value(h.value))
      return core::status::invalid_argument("header " + h.name + " has a line break or NUL");
    if (iequals(h.name, "host")) host = h.value;
    else if (iequals(h.name, "user-agent")) agent = h.value;
    header_bytes += h.name.size() + h.value.size() + 4;
  }
  if (!valid_target(url.target))
    return core::status::invalid_argument("the URL has a space or control character");
  const std::string default_host = host.empty() ? url.host_header() : std::string();
  std::string out;
  out.reserve(method.size() + url.target.size() + header_bytes + default_host.size() +
              request.body.size() + 96);
  out.append(method).append(" ").append(url.target).append(" HTTP/1.1\r\n");
  add_field(out, "Host", host.empty() ? std::string_view(default_host) : host);
  add_field(out, "User-Agent", agent.empty() ? std::string_view("tuki") : agent);
  for (const auto& h : request.headers) {
    if (client_owned(h.name) || iequals(h.name, "host") || iequals(h.name, "user-agent")) continue;
    add_field(out, h.name, h.value);
  }
  if (!request.body.empty() || method != "GET")
    add_field(out, "Content-Length", std::to_string(request.body.size()));
  out.append("\r\n").append(request.body);
  return out;
}

}  // namespace tuki::adapters
