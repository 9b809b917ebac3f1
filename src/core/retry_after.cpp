#include "tuki/core/retry_after.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <vector>

namespace tuki::core {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

std::optional<int> number(std::string_view s) {
  if (!all_digits(s) || s.size() > 9) return std::nullopt;
  int v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

std::optional<unsigned> month_of(std::string_view s) {
  static constexpr std::array<std::string_view, 12> names{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (unsigned i = 0; i < names.size(); ++i)
    if (s == names[i]) return i + 1;
  return std::nullopt;
}

// "08:49:37"
std::optional<std::chrono::seconds> time_of_day(std::string_view s) {
  if (s.size() != 8 || s[2] != ':' || s[5] != ':') return std::nullopt;
  auto h = number(s.substr(0, 2)), m = number(s.substr(3, 2)), sec = number(s.substr(6, 2));
  if (!h || !m || !sec || *h > 23 || *m > 59 || *sec > 60) return std::nullopt;
  return std::chrono::hours(*h) + std::chrono::minutes(*m) + std::chrono::seconds(*sec);
}

std::optional<instant> at(int year, std::optional<unsigned> month, std::optional<int> day,
                          std::optional<std::chrono::seconds> tod) {
  if (!month || !day || !tod) return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year(year), std::chrono::month(*month),
                                  std::chrono::day(static_cast<unsigned>(*day))};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::time_point_cast<duration>(std::chrono::sys_days(ymd) + *tod);
}

std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    auto end = s.find(' ', i);
    if (end == std::string_view::npos) end = s.size();
    if (end > i) out.push_back(s.substr(i, end - i));
    i = end;
  }
  return out;
}

std::optional<instant> http_date(std::string_view s) {
  auto w = words(s);
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
  if (w.size() == 6 && w[0].size() == 4 && w[0].back() == ',' && w[5] == "GMT") {
    auto year = number(w[3]);
    if (!year || w[3].size() != 4) return std::nullopt;
    return at(*year, month_of(w[2]), number(w[1]), time_of_day(w[4]));
  }
  // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT" (a two-digit year within 50 years of now would be
  // the rule; 20xx serves every date a server sends today)
  if (w.size() == 4 && w[0].back() == ',' && w[3] == "GMT" && w[1].size() == 9 && w[1][2] == '-' &&
      w[1][6] == '-') {
    auto year = number(w[1].substr(7, 2));
    if (!year) return std::nullopt;
    return at(2000 + *year, month_of(w[1].substr(3, 3)), number(w[1].substr(0, 2)),
              time_of_day(w[2]));
  }
  // asctime: "Sun Nov  6 08:49:37 1994"
  if (w.size() == 5 && w[0].size() == 3) {
    auto year = number(w[4]);
    if (!year || w[4].size() != 4) return std::nullopt;
    return at(*year, month_of(w[1]), number(w[2]), time_of_day(w[3]));
  }
  return std::nullopt;
}

}  // namespace

std::optional<duration> parse_retry_after(std::string_view value, instant now) {
  value = trim(value);
  if (all_digits(value)) {
    // Seconds; a huge number is as good as "much later" (the caller bounds it).
    if (value.size() > 9)
      return std::chrono::duration_cast<duration>(std::chrono::seconds(999'999'999));
    return std::chrono::duration_cast<duration>(std::chrono::seconds(*number(value)));
  }
  auto when = http_date(value);
  if (!when) return std::nullopt;
  return *when > now ? *when - now : duration::zero();
}

}  // namespace tuki::core
