#include "tuki/core/http_message.hpp"

#include <algorithm>
#include <cctype>

namespace tuki::core {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view find_header(const std::vector<http_header>& hs, std::string_view name) {
  for (const auto& h : hs)
    if (iequals(h.name, name)) return h.value;
  return {};
}

}  // namespace

std::string_view http_request::header(std::string_view name) const {
  return find_header(headers, name);
}

std::string_view http_request::credentials(std::string_view scheme) const {
  const auto h = header("Authorization");
  if (h.size() <= scheme.size() || !iequals(h.substr(0, scheme.size()), scheme) ||
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
