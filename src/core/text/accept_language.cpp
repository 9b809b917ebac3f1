#include "tuki/core/text/accept_language.hpp"

#include <algorithm>
#include <optional>

namespace tuki::core {
namespace {

std::string_view trimmed(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t");
  return s.substr(first, last - first + 1);
}

// qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ), in thousandths.
std::optional<int> parse_qvalue(std::string_view q) {
  if (q.empty() || (q[0] != '0' && q[0] != '1')) return std::nullopt;
  int value = (q[0] - '0') * 1000;
  if (q.size() == 1) return value;
  if (q[1] != '.' || q.size() > 5) return std::nullopt;
  int scale = 100;
  for (char c : q.substr(2)) {
    if (c < '0' || c > '9') return std::nullopt;
    value += (c - '0') * scale;
    scale /= 10;
  }
  if (value > 1000) return std::nullopt;
  return value;
}

bool range_ok(std::string_view r) {
  if (r.empty() || r.size() > 35) return false;
  if (r == "*") return true;
  return std::all_of(r.begin(), r.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  });
}

}  // namespace

std::vector<std::string> accepted_languages(std::string_view header) {
  struct item {
    std::string range;
    int q = 1000;
  };
  std::vector<item> items;
  while (!header.empty()) {
    const auto comma = header.find(',');
    std::string_view part = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    const auto semi = part.find(';');
    const std::string_view range = trimmed(part.substr(0, semi));
    if (!range_ok(range)) continue;
    int q = 1000;
    bool ok = true;
    for (std::string_view params = semi == std::string_view::npos ? "" : part.substr(semi + 1);
         !params.empty();) {
      const auto next = params.find(';');
      const std::string_view param = trimmed(params.substr(0, next));
      params = next == std::string_view::npos ? std::string_view{} : params.substr(next + 1);
      if (param.size() >= 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
        const auto parsed = parse_qvalue(trimmed(param.substr(2)));
        if (!parsed) ok = false;
        else q = *parsed;
      }  // other parameters are not defined for Accept-Language: ignored
    }
    if (!ok || q == 0) continue;
    item it{std::string(range), q};
    std::transform(it.range.begin(), it.range.end(), it.range.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; });
    items.push_back(std::move(it));
  }
  std::stable_sort(items.begin(), items.end(),
                   [](const item& a, const item& b) { return a.q > b.q; });
  std::vector<std::string> out;
  out.reserve(items.size());
  for (auto& it : items) out.push_back(std::move(it.range));
  return out;
}

}  // namespace tuki::core
