#include "tuki/adapters/http/router.hpp"

namespace tuki::adapters {
namespace {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    auto end = path.find('/', i);
    if (end == std::string_view::npos) end = path.size();
    out.emplace_back(path.substr(i, end - i));
    i = end;
  }
  return out;
}

bool matches(const std::vector<std::string>& pattern, const std::vector<std::string>& path,
             route_params& params) {
  params.clear();
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const std::string& p = pattern[i];
    bool capture = p.size() > 2 && p.front() == '{' && p.back() == '}';
    if (capture && p.size() > 5 && p.compare(p.size() - 4, 4, "...}") == 0) {
      if (i >= path.size()) return false;
      std::string rest;
      for (std::size_t j = i; j < path.size(); ++j) rest += (j > i ? "/" : "") + path[j];
      params[p.substr(1, p.size() - 5)] = rest;
      return true;
    }
    if (i >= path.size()) return false;
    if (capture) params[p.substr(1, p.size() - 2)] = path[i];
    else if (p != path[i]) return false;
  }
  return pattern.size() == path.size();
}

// Whether `method` is one of the comma-separated `methods`.
bool listed(std::string_view methods, std::string_view method) {
  while (!methods.empty()) {
    const auto comma = methods.find(", ");
    if (methods.substr(0, comma) == method) return true;
    methods.remove_prefix(comma == std::string_view::npos ? methods.size() : comma + 2);
  }
  return false;
}

}  // namespace

void router::add(std::string method, std::string pattern, std::string route_name,
                 http_handler handler) {
  routes_.push_back({std::move(method), split_path(pattern), std::move(route_name), std::move(handler)});
}

void router::add(std::initializer_list<const char*> methods, const std::string& pattern,
                 const std::string& route_name, const http_handler& handler) {
  for (const char* m : methods) add(m, pattern, route_name, handler);
}

router::match router::find(const std::string& method, std::string_view path) const {
  match m;
  m.route_name = "unmatched";
  auto segments = split_path(path);
  route_params params;
  for (const auto& r : routes_) {
    if (!matches(r.segments, segments, params)) continue;
    if (r.method != method) {
      m.status = 405;
      m.route_name = r.name;
      if (!listed(m.allow, r.method)) m.allow += (m.allow.empty() ? "" : ", ") + r.method;
      continue;
    }
    m.handler = &r.handler;
    m.params = std::move(params);
    m.route_name = r.name;
    m.status = 200;
    return m;
  }
  return m;
}

}  // namespace tuki::adapters
