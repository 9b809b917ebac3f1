#include "tuki/core/schedule/schedule_file.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "tuki/core/schedule/zone_cache.hpp"
#include "tuki/core/yaml_structure.hpp"
#include "tuki/core/yaml_syntax.hpp"

namespace tuki::schedule {
namespace {

// Thrown inside the loader only, turned into a status at the boundary.
struct load_error {
  YAML::Mark mark;
  std::string path;
  std::string what;
};

[[noreturn]] void fail(const YAML::Node& at, const std::string& path, std::string what) {
  throw load_error{at.Mark(), path, std::move(what)};
}

std::string quoted(const YAML::Node& n) {
  if (n.IsScalar()) return "\"" + n.Scalar() + "\"";
  if (n.IsSequence()) return "a list";
  if (n.IsMap()) return "a mapping";
  return "nothing";
}

std::string join(std::initializer_list<std::string_view> keys) {
  std::string out;
  for (auto k : keys) out += (out.empty() ? "" : ", ") + std::string(k);
  return out;
}

// A mapping whose keys are checked against the allowed ones.
class map_reader {
 public:
  map_reader(const YAML::Node& node, std::string path, std::initializer_list<std::string_view> keys)
      : node_(node), path_(std::move(path)) {
    if (!node.IsMap()) fail(node, path_, "expected a mapping, got " + quoted(node));
    for (const auto& kv : node) {
      auto key = kv.first.Scalar();
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
        fail(kv.first, sub(key), "unknown key (expected one of: " + join(keys) + ")");
      }
    }
  }
  YAML::Node get(const std::string& key) const { return node_[key]; }
  bool has(const std::string& key) const { return node_[key].IsDefined(); }
  YAML::Node required(const std::string& key) const {
    auto n = node_[key];
    if (!n.IsDefined() || n.IsNull()) fail(node_, path_, "missing required key \"" + key + "\"");
    return n;
  }
  std::string sub(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
  const YAML::Node& node() const { return node_; }
  const std::string& path() const { return path_; }

 private:
  YAML::Node node_;
  std::string path_;
};

std::string text(const YAML::Node& n, const std::string& path) {
  if (!n.IsScalar() || n.Scalar().empty()) fail(n, path, "expected a text value, got " + quoted(n));
  return n.Scalar();
}

long whole_number(const YAML::Node& n, const std::string& path, long min, long max) {
  auto expected = "expected a whole number " +
                  (max == std::numeric_limits<long>::max()
                       ? ">= " + std::to_string(min)
                       : "from " + std::to_string(min) + " to " + std::to_string(max));
  if (!n.IsScalar()) fail(n, path, expected + ", got " + quoted(n));
  const auto& s = n.Scalar();
  long v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size() || v < min || v > max) {
    fail(n, path, expected + ", got " + quoted(n));
  }
  return v;
}

bool yes_no(const YAML::Node& n, const std::string& path) {
  if (n.IsScalar() && (n.Scalar() == "true" || n.Scalar() == "false")) return n.Scalar() == "true";
  fail(n, path, "expected true or false, got " + quoted(n));
}

// `range` is the human text of [min, max], e.g. "from 0 to 1".
double decimal(const YAML::Node& n, const std::string& path, double min, double max,
               std::string_view range) {
  auto expected = "expected a number " + std::string(range);
  if (!n.IsScalar() || n.Scalar().empty()) fail(n, path, expected + ", got " + quoted(n));
  const auto& s = n.Scalar();
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !(v >= min && v <= max)) {
    fail(n, path, expected + ", got " + quoted(n));
  }
  return v;
}

date::local_days calendar_date(const YAML::Node& n, const std::string& path) {
  auto bad = [&] { fail(n, path, "expected a date YYYY-MM-DD, got " + quoted(n)); };
  if (!n.IsScalar()) bad();
  const auto& s = n.Scalar();
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') bad();
  int y = 0;
  unsigned m = 0, d = 0;
  auto digits = [&](std::size_t pos, std::size_t len, auto& out) {
    auto [end, ec] = std::from_chars(s.data() + pos, s.data() + pos + len, out);
    if (ec != std::errc{} || end != s.data() + pos + len) bad();
  };
  digits(0, 4, y);
  digits(5, 2, m);
  digits(8, 2, d);
  date::year_month_day ymd{date::year{y}, date::month{m}, date::day{d}};
  if (!ymd.ok()) bad();
  return date::local_days{ymd};
}

time_of_day clock_time(const YAML::Node& n, const std::string& path, bool end_of_day = false) {
  if (!n.IsScalar()) fail(n, path, "expected a time \"HH:MM\", got " + quoted(n));
  auto t = parse_time_of_day(n.Scalar(), end_of_day);
  if (!t) fail(n, path, t.error().message());
  return *t;
}

weekday_set weekdays(const YAML::Node& n, const std::string& path) {
  if (!n.IsSequence() || n.size() == 0) {
    fail(n, path, "expected a non-empty list of weekdays like [mon, tue], got " + quoted(n));
  }
  weekday_set out;
  for (std::size_t i = 0; i < n.size(); ++i) {
    auto item_path = path + "[" + std::to_string(i) + "]";
    if (!n[i].IsScalar()) fail(n[i], item_path, "expected a weekday, got " + quoted(n[i]));
    auto d = parse_weekday(n[i].Scalar());
    if (!d) fail(n[i], item_path, d.error().message());
    out.add(*d);
  }
  return out;
}

std::vector<std::string> text_list(const YAML::Node& n, const std::string& path) {
  std::vector<std::string> out;
  if (n.IsScalar()) {
    out.push_back(text(n, path));
    return out;
  }
  if (!n.IsSequence() || n.size() == 0) {
    fail(n, path, "expected a value or a non-empty list, got " + quoted(n));
  }
  for (std::size_t i = 0; i < n.size(); ++i) {
    out.push_back(text(n[i], path + "[" + std::to_string(i) + "]"));
  }
  return out;
}

audience students(const map_reader& rule) {
  auto path = rule.sub("students");
  auto n = rule.get("students");
  if (!n.IsDefined() || (n.IsScalar() && n.Scalar() == "all")) return {};
  if (n.IsScalar())
    fail(n, path, "expected \"all\" or a mapping of group/campus/programme, got " + quoted(n));
  map_reader m(n, path, {"group", "campus", "programme"});
  audience a;
  if (m.has("group")) a.groups = text_list(m.get("group"), m.sub("group"));
  if (m.has("campus")) a.campuses = text_list(m.get("campus"), m.sub("campus"));
  if (m.has("programme")) a.programmes = text_list(m.get("programme"), m.sub("programme"));
  return a;
}

quiet_hours read_quiet_hours(const YAML::Node& n, const std::string& path) {
  map_reader m(n, path, {"send_from", "send_until", "weekdays", "reply_window_minutes"});
  quiet_hours q;
  if (m.has("send_from")) q.send_from = clock_time(m.get("send_from"), m.sub("send_from"));
  if (m.has("send_until")) {
    q.send_until = clock_time(m.get("send_until"), m.sub("send_until"), true);
  }
  if (!(q.send_from < q.send_until)) {
    fail(m.has("send_until") ? m.get("send_until") : n, m.sub("send_until"),
         "must be later than send_from (" + to_string(q.send_from) + ")");
  }
  if (m.has("weekdays")) q.weekdays = weekdays(m.get("weekdays"), m.sub("weekdays"));
  if (m.has("reply_window_minutes")) {
    q.reply_window = std::chrono::minutes{
        whole_number(m.get("reply_window_minutes"), m.sub("reply_window_minutes"), 0, 24 * 60)};
  }
  return q;
}

fairness read_fairness(const YAML::Node& n, const std::string& path) {
  map_reader m(n, path, {"min_days_between_checkins", "capacity_per_day", "need_rate"});
  fairness f;
  if (m.has("min_days_between_checkins")) {
    f.min_gap = date::days{whole_number(m.get("min_days_between_checkins"),
                                        m.sub("min_days_between_checkins"), 0, 366)};
  }
  if (m.has("capacity_per_day")) {
    f.capacity_per_day = static_cast<int>(
        whole_number(m.get("capacity_per_day"), m.sub("capacity_per_day"), 1, 1'000'000));
  }
  if (m.has("need_rate"))
    f.need_rate = decimal(m.get("need_rate"), m.sub("need_rate"), 0, 1, "from 0 to 1");
  return f;
}

holiday_calendar read_holidays(const YAML::Node& n, const std::string& path) {
  if (!n.IsSequence()) fail(n, path, "expected a list of holidays, got " + quoted(n));
  std::vector<holiday_calendar::period> periods;
  for (std::size_t i = 0; i < n.size(); ++i) {
    map_reader m(n[i], path + "[" + std::to_string(i) + "]",
                 {"date", "from", "to", "name", "staff_at_work"});
    holiday_calendar::period p;
    if (m.has("name")) p.name = text(m.get("name"), m.sub("name"));
    if (m.has("staff_at_work"))
      p.staff_at_work = yes_no(m.get("staff_at_work"), m.sub("staff_at_work"));
    if (m.has("date")) {
      if (m.has("from") || m.has("to")) {
        fail(n[i], m.path(), "give either \"date\" or \"from\" and \"to\", not both");
      }
      p.first = p.last = calendar_date(m.get("date"), m.sub("date"));
    } else {
      if (!m.has("from") && !m.has("to")) {
        fail(n[i], m.path(), "missing \"date\", or \"from\" and \"to\"");
      }
      p.first = calendar_date(m.required("from"), m.sub("from"));
      p.last = calendar_date(m.required("to"), m.sub("to"));
      if (p.last < p.first) fail(m.get("to"), m.sub("to"), "is before \"from\"");
    }
    periods.push_back(std::move(p));
  }
  return holiday_calendar(std::move(periods));
}

// Fails at `n` unless `at` lies in the sending hours. `implicit`: the time was not written
// (a default), so the message names it and asks for one.
void check_inside_quiet_hours(time_of_day at, const quiet_hours& q, const YAML::Node& n,
                              const std::string& path, bool implicit = false) {
  if (at < q.send_from || !(at < q.send_until)) {
    fail(n, path,
         (implicit ? "its default \"at\" (" + to_string(at) + ")" : to_string(at)) +
             " is outside the sending hours " + to_string(q.send_from) + "-" +
             to_string(q.send_until) + (implicit ? ": give \"at\"" : ""));
  }
}

recurring_rule read_recurring(const map_reader& m, const quiet_hours& q) {
  recurring_rule r;
  r.id = text(m.required("id"), m.sub("id"));
  r.dialog = text(m.required("dialog"), m.sub("dialog"));
  r.students = students(m);
  if (m.has("every_weeks")) {
    r.every_weeks =
        static_cast<int>(whole_number(m.get("every_weeks"), m.sub("every_weeks"), 1, 52));
  }
  r.weekdays = weekdays(m.required("weekdays"), m.sub("weekdays"));
  if (m.has("at")) {
    r.at = clock_time(m.get("at"), m.sub("at"));
    check_inside_quiet_hours(r.at, q, m.get("at"), m.sub("at"));
  } else {
    check_inside_quiet_hours(r.at, q, m.node(), m.path(), true);
  }
  r.first_day = calendar_date(m.required("from"), m.sub("from"));
  r.last_day = calendar_date(m.required("until"), m.sub("until"));
  if (r.last_day < r.first_day) fail(m.get("until"), m.sub("until"), "is before \"from\"");
  return r;
}

milestone_rule read_milestone(const map_reader& m, const quiet_hours& q) {
  milestone_rule r;
  r.id = text(m.required("id"), m.sub("id"));
  r.dialog = text(m.required("dialog"), m.sub("dialog"));
  r.date_column = text(m.required("date"), m.sub("date"));
  if (!is_date_column(r.date_column))
    fail(m.get("date"), m.sub("date"),
         "\"" + r.date_column +
             "\" is no date column: the students import reads start_date and columns ending in "
             "_date, _start or _end as dates");
  r.students = students(m);
  auto offset = m.required("offset");
  if (!offset.IsScalar()) fail(offset, m.sub("offset"), "expected an offset like \"+14 days\"");
  auto parsed = parse_offset(offset.Scalar());
  if (!parsed) fail(offset, m.sub("offset"), parsed.error().message());
  r.offset = *parsed;
  check_inside_quiet_hours(r.offset.at, q, offset, m.sub("offset"));
  return r;
}

trigger_rule read_trigger(const map_reader& m) {
  trigger_rule r;
  r.id = text(m.required("id"), m.sub("id"));
  r.dialog = text(m.required("dialog"), m.sub("dialog"));
  r.event = text(m.required("event"), m.sub("event"));
  if (!valid_event_name(r.event))
    fail(m.get("event"), m.sub("event"),
         "\"" + r.event +
             "\" can never be imported: events are 1-64 characters of a-z, 0-9, _ or -");
  r.students = students(m);
  if (m.has("aggregate")) {
    auto a = parse_aggregate(text(m.get("aggregate"), m.sub("aggregate")));
    if (!a) fail(m.get("aggregate"), m.sub("aggregate"), a.error().message());
    r.aggregate = *a;
  }
  if (m.has("compare")) {
    auto c = parse_comparison(text(m.get("compare"), m.sub("compare")));
    if (!c) fail(m.get("compare"), m.sub("compare"), c.error().message());
    r.comparison = *c;
  }
  r.threshold = decimal(m.required("threshold"), m.sub("threshold"), -1e9, 1e9, "from -1e9 to 1e9");
  r.within_days =
      static_cast<int>(whole_number(m.required("within_days"), m.sub("within_days"), 1, 366));
  return r;
}

template <class Rule, class Read>
std::vector<Rule> read_rules(const YAML::Node& n, const std::string& path,
                             std::initializer_list<std::string_view> keys,
                             std::set<std::string>& ids, Read read) {
  std::vector<Rule> out;
  if (!n.IsDefined() || n.IsNull()) return out;
  if (!n.IsSequence()) fail(n, path, "expected a list, got " + quoted(n));
  for (std::size_t i = 0; i < n.size(); ++i) {
    map_reader m(n[i], path + "[" + std::to_string(i) + "]", keys);
    auto rule = read(m);
    if (!ids.insert(rule.id).second) {
      fail(m.get("id"), m.sub("id"), "duplicate rule id \"" + rule.id + "\"");
    }
    out.push_back(std::move(rule));
  }
  return out;
}

schedule_file read_file(const YAML::Node& root) {
  if (!root.IsDefined() || root.IsNull()) fail(root, "", "the file is empty");
  if (auto problems = core::check_yaml_structure(root); !problems.empty())
    throw load_error{problems.front().mark, problems.front().path, problems.front().what};
  map_reader top(root, "",
                 {"tuki_schedule", "institution", "time_zone", "quiet_hours", "holidays",
                  "fairness", "recurring", "milestones", "triggers"});
  schedule_file f;
  auto version = top.required("tuki_schedule");
  if (!version.IsScalar() || version.Scalar() != "1") {
    fail(version, "tuki_schedule",
         "unsupported version " + quoted(version) + " (this tuki reads 1)");
  }
  f.institution = text(top.required("institution"), "institution");
  f.time_zone_name = text(top.required("time_zone"), "time_zone");
  auto zone = find_zone(f.time_zone_name);
  if (!zone) fail(top.get("time_zone"), "time_zone", zone.error().message());
  f.time_zone = *zone;
  if (top.has("quiet_hours")) f.quiet = read_quiet_hours(top.get("quiet_hours"), "quiet_hours");
  if (top.has("holidays")) f.holidays = read_holidays(top.get("holidays"), "holidays");
  if (top.has("fairness")) f.fair = read_fairness(top.get("fairness"), "fairness");

  std::set<std::string> ids;
  f.recurring = read_rules<recurring_rule>(
      top.get("recurring"), "recurring",
      {"id", "dialog", "students", "every_weeks", "weekdays", "at", "from", "until"}, ids,
      [&](const map_reader& m) { return read_recurring(m, f.quiet); });
  f.milestones = read_rules<milestone_rule>(
      top.get("milestones"), "milestones", {"id", "dialog", "students", "date", "offset"}, ids,
      [&](const map_reader& m) { return read_milestone(m, f.quiet); });
  f.triggers = read_rules<trigger_rule>(
      top.get("triggers"), "triggers",
      {"id", "dialog", "students", "event", "aggregate", "compare", "threshold", "within_days"},
      ids, [](const map_reader& m) { return read_trigger(m); });
  return f;
}

std::string located(std::string_view file, const YAML::Mark& mark) {
  if (mark.is_null()) return std::string(file) + ": ";
  return std::string(file) + ":" + std::to_string(mark.line + 1) + ":" +
         std::to_string(mark.column + 1) + ": ";
}
}  // namespace

campaign_settings schedule_file::campaign() const {
  campaign_settings s;
  s.institution_zone = time_zone;
  s.quiet = quiet;
  s.holidays = holidays;
  s.fair = fair;
  return s;
}

core::result<schedule_file> parse_schedule(std::string_view yaml, std::string_view file_name) {
  try {
    return read_file(YAML::Load(std::string(yaml)));
  } catch (const load_error& e) {
    return core::status::invalid_argument(located(file_name, e.mark) +
                                          (e.path.empty() ? "" : e.path + ": ") + e.what);
  } catch (const YAML::Exception& e) {
    return core::status::invalid_argument(located(file_name, e.mark) +
                                          core::yaml_syntax_message(e, yaml));
  }
}

core::result<schedule_file> load_schedule(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::status::io_error(path + ": cannot open the schedule file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_schedule(text.str(), path);
}

}  // namespace tuki::schedule
