#include "tuki/core/schedule/data_trigger.hpp"

#include <algorithm>
#include <utility>

namespace tuki::schedule {
namespace {
using dated_value = std::pair<date::local_days, double>;

bool holds(trigger_comparison c, double lhs, double rhs) {
  switch (c) {
    case trigger_comparison::at_least:
      return lhs >= rhs;
    case trigger_comparison::more_than:
      return lhs > rhs;
    case trigger_comparison::at_most:
      return lhs <= rhs;
    case trigger_comparison::less_than:
      return lhs < rhs;
  }
  return false;
}

// Matching events after `after`, sorted by day.
std::vector<dated_value> relevant(const trigger_rule& rule, std::span<const student_event> events,
                                  std::optional<date::local_days> after) {
  std::vector<dated_value> out;
  for (const auto& e : events) {
    if (e.event != rule.event || (after && e.date <= *after)) continue;
    out.emplace_back(e.date, rule.aggregate == trigger_aggregate::count ? 1.0 : e.value);
  }
  std::sort(out.begin(), out.end(),
            [](const dated_value& a, const dated_value& b) { return a.first < b.first; });
  return out;
}

// The first firing within sorted `v` starting at index `from`; sets `from` past the firing day.
std::optional<date::local_days> first_in(const trigger_rule& rule,
                                         const std::vector<dated_value>& v, std::size_t& from) {
  if (rule.within_days < 1) return std::nullopt;
  const date::days window{rule.within_days};
  std::size_t begin = from;
  double total = 0;
  for (std::size_t i = from; i < v.size();) {
    auto d = v[i].first;
    for (; i < v.size() && v[i].first == d; ++i) total += v[i].second;  // all events of day d
    for (; begin < i && v[begin].first <= d - window; ++begin) total -= v[begin].second;
    if (holds(rule.comparison, total, rule.threshold)) {
      from = i;
      return d;
    }
  }
  from = v.size();
  return std::nullopt;
}
}  // namespace

bool valid_event_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

core::result<trigger_comparison> parse_comparison(std::string_view text) {
  if (text == ">=") return trigger_comparison::at_least;
  if (text == ">") return trigger_comparison::more_than;
  if (text == "<=") return trigger_comparison::at_most;
  if (text == "<") return trigger_comparison::less_than;
  return core::status::invalid_argument("expected one of >=, >, <=, <, got \"" + std::string(text) +
                                        "\"");
}

core::result<trigger_aggregate> parse_aggregate(std::string_view text) {
  if (text == "sum") return trigger_aggregate::sum;
  if (text == "count") return trigger_aggregate::count;
  return core::status::invalid_argument("expected sum or count, got \"" + std::string(text) + "\"");
}

std::optional<date::local_days> next_firing(const trigger_rule& rule,
                                            std::span<const student_event> events,
                                            std::optional<date::local_days> last_fired) {
  auto v = relevant(rule, events, last_fired);
  std::size_t from = 0;
  return first_in(rule, v, from);
}

std::optional<date::local_days> latest_firing(const trigger_rule& rule,
                                              std::span<const student_event> events,
                                              std::optional<date::local_days> last_fired) {
  auto v = relevant(rule, events, last_fired);
  std::size_t from = 0;
  std::optional<date::local_days> last;
  while (auto d = first_in(rule, v, from)) last = d;
  return last;
}

std::vector<date::local_days> all_firings(const trigger_rule& rule,
                                          std::span<const student_event> events) {
  auto v = relevant(rule, events, std::nullopt);
  std::vector<date::local_days> out;
  std::size_t from = 0;
  while (auto d = first_in(rule, v, from)) out.push_back(*d);
  return out;
}

}  // namespace tuki::schedule
