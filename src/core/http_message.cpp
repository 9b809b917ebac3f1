#include "tuki/core/http_message.hpp"
#include "tuki/core/text/ascii_case.hpp"


namespace tuki::core {
namespace {

std::string_view find_header(const std::vector<http_header>& hs, std::string_view name) {
  for (const auto& h : hs)
    if (ascii_iequals(h.name, name)) return h.value;
  return {};
}

}  // namespace

std::string_view http_request::header(std::string_view name) const {
  return find_header(headers, name);
}

std::string_view http_request::credentials(std::string_view scheme) const {
  const auto h = header("Authorization");
  if (h.size() <= scheme.size() || !ascii_istarts_with(h, scheme) ||
      h[scheme.size()] != ' ')
    return {};
  const auto at = h.find_first_not_of(' ', scheme.size());
  return at == std::string_view::npos ? std::string_view{} : h.substr(at);
}

std::string_view http_request::path() const {
  std::string_view t = target;
  return t.substr(0, t.find('?'));
}

std::string_view http_request::query() const {
  std::string_view t = target;
  auto q = t.find('?');
  return q == std::string_view::npos ? std::string_view{} : t.substr(q + 1);
}

std::string_view http_response::header(std::string_view name) const {
  return find_header(headers, name);
}

}  // namespace tuki::core
