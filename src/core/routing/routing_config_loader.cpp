#include <date/tz.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "tuki/core/config/server_url.hpp"
#include "tuki/core/routing/action_link.hpp"
#include "tuki/core/routing/routing_config.hpp"
#include "tuki/core/text/email_address.hpp"
#include "tuki/core/yaml_syntax.hpp"

namespace tuki::routing {
namespace {

struct load_error : std::runtime_error {
  load_error(const std::string& what, int at_line, int at_column)
      : std::runtime_error(what), line(at_line), column(at_column) {}
  int line, column;  // 0-based, for the order of several errors; -1 when not known
};

// Walks the YAML tree keeping the key path, so every error says where it is.
class reader {
 public:
  explicit reader(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void fail(const YAML::Node& at, const std::string& path,
                         const std::string& what) const {
    std::ostringstream os;
    os << source_;
    if (at.IsDefined() && at.Mark().line >= 0) {
      os << ':' << at.Mark().line + 1 << ':' << at.Mark().column + 1;
    }
    os << ": " << (path.empty() ? "(top)" : path) << ": " << what;
    const bool placed = at.IsDefined() && at.Mark().line >= 0;
    throw load_error(os.str(), placed ? at.Mark().line : -1, placed ? at.Mark().column : -1);
  }

  // Runs `read` (one section, rule or staff member); its first error is kept and reading goes
  // on with the next, so that one run reports a mistake in each (a later error inside the same
  // item is often the first one's consequence: a misspelt `roles` makes the rule lack roles).
  template <class Read>
  void each_error(Read&& read) const {
    try {
      read();
    } catch (const load_error& e) {
      errors_.push_back(e);
    }
  }

  // Every error kept by each_error, in file order, one per line; nothing when there are none.
  void throw_errors() const {
    if (errors_.empty()) return;
    std::vector<load_error> sorted = errors_;
    std::stable_sort(sorted.begin(), sorted.end(), [](const load_error& a, const load_error& b) {
      return std::pair(a.line, a.column) < std::pair(b.line, b.column);
    });
    std::string all;
    for (const auto& e : sorted) all += (all.empty() ? "" : "\n") + std::string(e.what());
    throw load_error(all, sorted.front().line, sorted.front().column);
  }

  std::string where(const YAML::Node& at) const {
    return source_ + ':' + std::to_string(at.Mark().line + 1) + ':' +
           std::to_string(at.Mark().column + 1);
  }

  void only_keys(const YAML::Node& map, const std::string& path,
                 std::initializer_list<std::string_view> allowed) const {
    if (!map.IsMap()) fail(map, path, "expected a mapping");
    for (const auto& kv : map) {
      const std::string key = kv.first.as<std::string>();
      bool ok = false;
      for (auto a : allowed) ok = ok || a == key;
      if (!ok) fail(kv.first, join(path, key), "unknown key");
    }
  }

  static std::string join(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
  }

  std::string text(const YAML::Node& n, const std::string& path) const {
    if (!n.IsScalar()) fail(n, path, "expected a text value");
    return n.Scalar();
  }

  // An address to mail (lower-cased): a crisis contact that cannot be mailed would fail every
  // crisis ticket, so it is refused here, where the file and line can be named.
  // Empty is unset (the configuration's crisis contact then applies), as in the configuration.
  std::string email(const YAML::Node& n, const std::string& path) const {
    const std::string s = text(n, path);
    if (!s.empty() && !core::is_email_address(s))
      fail(n, path, "is not an email address: '" + s + "'");
    return normalize_email(s);
  }

  bool boolean(const YAML::Node& n, const std::string& path) const {
    const std::string s = text(n, path);
    if (s == "true" || s == "yes") return true;
    if (s == "false" || s == "no") return false;
    fail(n, path, "expected true or false, got '" + s + "'");
  }

  int integer(const YAML::Node& n, const std::string& path, int min, int max) const {
    const std::string s = text(n, path);
    try {
      std::size_t used = 0;
      const int v = std::stoi(s, &used);
      if (used == s.size() && v >= min && v <= max) return v;
    } catch (const std::exception&) {
    }
    fail(n, path, "expected a whole number " + std::to_string(min) + ".." + std::to_string(max));
  }

  // A role name (is_link_role): staff emails carry roles in signed reassign links, and a role no
  // link can carry would fail the notice, and with it the ticket, of everyone it is offered to.
  std::string role(const YAML::Node& n, const std::string& path) const {
    const std::string s = text(n, path);
    if (!is_link_role(s))
      fail(n, path,
           "role '" + s +
               "' must be 1 to 64 of the characters A-Z a-z 0-9 _ - (action links carry role "
               "names), e.g. study_counsellor");
    return s;
  }

  using item_reader = std::string (reader::*)(const YAML::Node&, const std::string&) const;

  // Each item read by `item`.
  std::vector<std::string> list(const YAML::Node& n, const std::string& path,
                                item_reader item = &reader::text) const {
    std::vector<std::string> out;
    if (n.IsScalar()) return {(this->*item)(n, path)};  // a single value is a one-element list
    if (!n.IsSequence()) fail(n, path, "expected a list");
    for (std::size_t i = 0; i < n.size(); ++i) {
      out.push_back((this->*item)(n[i], path + "[" + std::to_string(i) + "]"));
    }
    return out;
  }

  // "48h", "30m", "14d", "90s".
  core::duration duration(const YAML::Node& n, const std::string& path) const {
    const std::string s = text(n, path);
    if (s.size() >= 2) {
      const std::string digits = s.substr(0, s.size() - 1);
      if (digits.find_first_not_of("0123456789") == std::string::npos && digits.size() < 9) {
        const long v = std::stol(digits);
        switch (s.back()) {
          case 's':
            return std::chrono::seconds(v);
          case 'm':
            return std::chrono::minutes(v);
          case 'h':
            return std::chrono::hours(v);
          case 'd':
            return std::chrono::days(v);
          default:
            break;
        }
      }
    }
    fail(n, path, "expected a duration like 30m, 48h or 14d, got '" + s + "'");
  }

  // "08:00" -> minutes after midnight; "24:00" allowed as an end.
  std::chrono::minutes clock_time(const YAML::Node& n, const std::string& path) const {
    const std::string s = text(n, path);
    if (s.size() == 5 && s[2] == ':' && std::isdigit(static_cast<unsigned char>(s[0])) &&
        std::isdigit(static_cast<unsigned char>(s[1])) &&
        std::isdigit(static_cast<unsigned char>(s[3])) &&
        std::isdigit(static_cast<unsigned char>(s[4]))) {
      const int h = (s[0] - '0') * 10 + (s[1] - '0');
      const int m = (s[3] - '0') * 10 + (s[4] - '0');
      if ((h < 24 && m < 60) || (h == 24 && m == 0)) return std::chrono::minutes(h * 60 + m);
    }
    fail(n, path, "expected a time HH:MM, got '" + s + "'");
  }

  std::chrono::sys_days date(const YAML::Node& n, const std::string& path) const {
    const std::string s = text(n, path);
    int y = 0;
    unsigned mo = 0, d = 0;
    char dash1 = 0, dash2 = 0;
    std::istringstream is(s);
    if (s.size() == 10 && (is >> y >> dash1 >> mo >> dash2 >> d) && dash1 == '-' && dash2 == '-') {
      const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{mo},
                                            std::chrono::day{d}};
      if (ymd.ok()) return std::chrono::sys_days{ymd};
    }
    fail(n, path, "expected a date YYYY-MM-DD, got '" + s + "'");
  }

  std::array<bool, 7> weekdays(const YAML::Node& n, const std::string& path) const {
    static constexpr std::string_view names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    std::array<bool, 7> days{};
    const auto items = list(n, path);
    for (std::size_t i = 0; i < items.size(); ++i) {
      bool found = false;
      for (std::size_t d = 0; d < 7; ++d) {
        if (items[i] == names[d]) days[d] = found = true;
      }
      if (!found) {
        fail(n.IsSequence() ? n[i] : n, path + "[" + std::to_string(i) + "]",
             "expected a weekday mon..sun, got '" + items[i] + "'");
      }
    }
    return days;
  }

  void institution(const YAML::Node& n, const std::string& path, routing_rules& r) const {
    only_keys(
        n, path,
        {"id", "time_zone", "crisis_contact", "coordinator", "include_reply_text", "public_url"});
    auto& s = r.institution;
    if (n["id"]) s.id = text(n["id"], join(path, "id"));
    if (n["crisis_contact"]) {
      s.crisis_contact_email = email(n["crisis_contact"], join(path, "crisis_contact"));
    }
    if (n["coordinator"]) {
      s.coordinator_email = email(n["coordinator"], join(path, "coordinator"));
    }
    if (n["include_reply_text"]) {
      s.include_reply_text = boolean(n["include_reply_text"], join(path, "include_reply_text"));
    }
    if (n["public_url"]) {
      s.public_url = text(n["public_url"], join(path, "public_url"));
      if (!s.public_url.empty())  // empty: the service's public_url
        if (auto st = config::check_public_url(s.public_url); !st)
          fail(n["public_url"], join(path, "public_url"), st.message());
    }
    while (!s.public_url.empty() && s.public_url.back() == '/') s.public_url.pop_back();
    if (n["time_zone"]) s.time_zone = text(n["time_zone"], join(path, "time_zone"));
  }

  routing_rule rule(const YAML::Node& n, const std::string& path) const {
    only_keys(n, path,
              {"category", "campus", "group", "programme", "language", "urgency", "roles", "pick",
               "notify_crisis_contact"});
    routing_rule r;
    r.where = where(n);
    if (!n["category"]) fail(n, path, "a rule needs a category");
    r.category = text(n["category"], join(path, "category"));
    if (n["campus"]) r.campus = text(n["campus"], join(path, "campus"));
    if (n["group"]) r.group = text(n["group"], join(path, "group"));
    if (n["programme"]) r.programme = text(n["programme"], join(path, "programme"));
    if (n["language"]) r.language = text(n["language"], join(path, "language"));
    if (n["urgency"]) {
      const auto u = core::parse_urgency(text(n["urgency"], join(path, "urgency")));
      if (!u) fail(n["urgency"], join(path, "urgency"), "expected normal, high or urgent");
      r.urgency = *u;
    }
    if (!n["roles"]) fail(n, path, "a rule needs roles");
    r.roles = list(n["roles"], join(path, "roles"), &reader::role);
    if (r.roles.empty()) fail(n["roles"], join(path, "roles"), "a rule needs at least one role");
    if (n["pick"]) {
      const auto p = parse_role_pick(text(n["pick"], join(path, "pick")));
      if (!p) fail(n["pick"], join(path, "pick"), "expected first_available, pool or all_on_call");
      r.pick = *p;
    }
    if (n["notify_crisis_contact"]) {
      r.notify_crisis_contact =
          boolean(n["notify_crisis_contact"], join(path, "notify_crisis_contact"));
    }
    return r;
  }

  staff_member staff(const YAML::Node& n, const std::string& path) const {
    only_keys(n, path,
              {"email", "name", "roles", "campuses", "groups", "phone", "language", "on_call",
               "working_hours", "absences", "backup"});
    staff_member s;
    if (!n["email"]) fail(n, path, "a staff member needs an email");
    s.email = email(n["email"], join(path, "email"));
    if (n["name"]) s.name = text(n["name"], join(path, "name"));
    if (n["roles"]) s.roles = list(n["roles"], join(path, "roles"), &reader::role);
    if (n["campuses"]) s.campuses = list(n["campuses"], join(path, "campuses"));
    if (n["groups"]) s.groups = list(n["groups"], join(path, "groups"));
    if (n["phone"]) s.phone = text(n["phone"], join(path, "phone"));
    if (n["language"]) s.language = text(n["language"], join(path, "language"));
    if (n["on_call"]) s.on_call = boolean(n["on_call"], join(path, "on_call"));
    if (n["backup"]) s.backup_email = email(n["backup"], join(path, "backup"));
    if (const auto wh = n["working_hours"]) {
      const std::string p = join(path, "working_hours");
      if (!wh.IsSequence()) fail(wh, p, "expected a list of {days, from, to}");
      for (std::size_t i = 0; i < wh.size(); ++i) {
        const std::string pi = p + "[" + std::to_string(i) + "]";
        only_keys(wh[i], pi, {"days", "from", "to"});
        if (!wh[i]["days"] || !wh[i]["from"] || !wh[i]["to"]) {
          fail(wh[i], pi, "working hours need days, from and to");
        }
        working_slot slot;
        slot.days = weekdays(wh[i]["days"], join(pi, "days"));
        slot.from = clock_time(wh[i]["from"], join(pi, "from"));
        slot.to = clock_time(wh[i]["to"], join(pi, "to"));
        if (slot.to <= slot.from) fail(wh[i]["to"], join(pi, "to"), "must be after `from`");
        s.working_hours.push_back(slot);
      }
    }
    if (const auto ab = n["absences"]) {
      const std::string p = join(path, "absences");
      if (!ab.IsSequence()) fail(ab, p, "expected a list of {from, to}");
      for (std::size_t i = 0; i < ab.size(); ++i) {
        const std::string pi = p + "[" + std::to_string(i) + "]";
        only_keys(ab[i], pi, {"from", "to"});
        if (!ab[i]["from"] || !ab[i]["to"]) fail(ab[i], pi, "an absence needs from and to");
        absence a{date(ab[i]["from"], join(pi, "from")), date(ab[i]["to"], join(pi, "to"))};
        if (a.to < a.from) fail(ab[i]["to"], join(pi, "to"), "must not be before `from`");
        s.absences.push_back(a);
      }
    }
    return s;
  }

  routing_config config(const YAML::Node& root) const {
    if (!root.IsMap()) fail(root, "", "expected a mapping with tuki_routing: 1");
    // Every unknown key at the top; the known ones are still read.
    static constexpr std::string_view top_keys[] = {"tuki_routing",  "institution",  "strategy",
                                                    "fallback_role", "rules",        "staff",
                                                    "sla",           "disengagement"};
    for (const auto& kv : root) {
      const std::string key = kv.first.as<std::string>();
      if (std::find(std::begin(top_keys), std::end(top_keys), key) == std::end(top_keys))
        each_error([&] { fail(kv.first, key, "unknown key"); });
    }
    routing_config c;
    c.source = source_;
    each_error([&] {
      if (!root["tuki_routing"])
        fail(root, "tuki_routing", "missing; this file needs tuki_routing: 1");
      c.rules.version = integer(root["tuki_routing"], "tuki_routing", 1, 1);
    });
    if (root["institution"])
      each_error([&] { institution(root["institution"], "institution", c.rules); });
    if (root["strategy"])
      each_error([&] {
        const auto s = parse_choice_strategy(text(root["strategy"], "strategy"));
        if (!s) fail(root["strategy"], "strategy", "expected round_robin or fewest_open");
        c.rules.strategy = *s;
      });
    if (const auto fallback = root["fallback_role"])
      each_error([&] {
        // Empty: no fallback role (the coordinator takes what no rule's roles can staff).
        c.rules.fallback_role = text(fallback, "fallback_role");
        if (!c.rules.fallback_role.empty()) c.rules.fallback_role = role(fallback, "fallback_role");
      });
    if (const auto rules = root["rules"]) {
      if (!rules.IsSequence()) {
        each_error([&] { fail(rules, "rules", "expected a list of rules"); });
      } else {
        for (std::size_t i = 0; i < rules.size(); ++i)
          each_error(
              [&] { c.rules.rules.push_back(rule(rules[i], "rules[" + std::to_string(i) + "]")); });
      }
    }
    if (const auto staff_list = root["staff"]) {
      if (!staff_list.IsSequence()) {
        each_error([&] { fail(staff_list, "staff", "expected a list of staff"); });
      } else {
        for (std::size_t i = 0; i < staff_list.size(); ++i)
          each_error([&] {
            const std::string p = "staff[" + std::to_string(i) + "]";
            auto st = c.staff.add(staff(staff_list[i], p));
            if (!st) fail(staff_list[i], p, st.message());
          });
      }
    }
    if (const auto sla = root["sla"])
      each_error([&] {
        only_keys(sla, "sla",
                  {"remind_after", "escalate_after", "crisis_remind_after", "crisis_escalate_after",
                   "escalate_repeat_after", "still_open_after", "followup_after"});
        auto& s = c.sla;
        if (sla["remind_after"]) s.remind_after = duration(sla["remind_after"], "sla.remind_after");
        if (sla["escalate_after"]) {
          s.escalate_after = duration(sla["escalate_after"], "sla.escalate_after");
        }
        if (sla["crisis_remind_after"]) {
          s.crisis_remind_after = duration(sla["crisis_remind_after"], "sla.crisis_remind_after");
        }
        if (sla["crisis_escalate_after"]) {
          s.crisis_escalate_after =
              duration(sla["crisis_escalate_after"], "sla.crisis_escalate_after");
        }
        if (sla["escalate_repeat_after"]) {
          s.escalate_repeat_after =
              duration(sla["escalate_repeat_after"], "sla.escalate_repeat_after");
        }
        if (sla["still_open_after"]) {
          s.still_open_after = duration(sla["still_open_after"], "sla.still_open_after");
        }
        if (sla["followup_after"]) {
          s.followup_after = duration(sla["followup_after"], "sla.followup_after");
        }
        // Both repeat until someone acts: minutes would mail the same people all day.
        if (s.escalate_repeat_after < std::chrono::hours(1)) {
          fail(sla, "sla.escalate_repeat_after",
               "must be at least 1h (an unacknowledged ticket is escalated again this often)");
        }
        if (s.still_open_after < std::chrono::hours(1)) {
          fail(sla, "sla.still_open_after",
               "must be at least 1h (the assignees of an unresolved ticket are asked this often)");
        }
        if (s.escalate_after <= s.remind_after) {
          fail(sla, "sla.escalate_after", "must be later than remind_after");
        }
        if (s.crisis_escalate_after <= s.crisis_remind_after) {
          fail(sla, "sla.crisis_escalate_after", "must be later than crisis_remind_after");
        }
        if (s.crisis_escalate_after < std::chrono::minutes(1)) {
          fail(sla, "sla.crisis_escalate_after",
               "must be at least 1m (an unacknowledged crisis ticket is escalated again this "
               "often)");
        }
      });
    if (const auto d = root["disengagement"])
      each_error([&] {
        only_keys(d, "disengagement", {"unanswered_in_a_row", "failed_deliveries_in_a_row"});
        if (d["unanswered_in_a_row"]) {
          c.disengagement.unanswered_in_a_row =
              integer(d["unanswered_in_a_row"], "disengagement.unanswered_in_a_row", 0, 100);
        }
        if (d["failed_deliveries_in_a_row"]) {
          c.disengagement.failed_deliveries_in_a_row = integer(
              d["failed_deliveries_in_a_row"], "disengagement.failed_deliveries_in_a_row", 0, 100);
        }
      });
    c.sla.coordinator_email = c.rules.institution.coordinator_email;
    each_error([&] {
      try {
        // Unset stays unset: the institution's configured timezone fills it (ticket_desk).
        if (!c.rules.institution.time_zone.empty())
          c.rules.zone = date::locate_zone(c.rules.institution.time_zone);
      } catch (const std::exception&) {
        const YAML::Node inst = root["institution"];
        fail(inst && inst.IsMap() && inst["time_zone"] ? inst["time_zone"] : root,
             "institution.time_zone", "unknown time zone '" + c.rules.institution.time_zone + "'");
      }
    });
    throw_errors();
    return c;
  }

 private:
  std::string source_;
  mutable std::vector<load_error> errors_;
};

}  // namespace

core::result<routing_config> parse_routing_config(std::string_view yaml,
                                                  std::string_view source_name) {
  reader r{std::string(source_name)};
  try {
    const YAML::Node root = YAML::Load(std::string(yaml));
    return r.config(root);
  } catch (const load_error& e) {
    return core::status::invalid_argument(e.what());
  } catch (const YAML::Exception& e) {
    return core::status::invalid_argument(
        std::string(source_name) + ":" + std::to_string(e.mark.line + 1) + ":" +
        std::to_string(e.mark.column + 1) + ": " + core::yaml_syntax_message(e, yaml));
  }
}

core::result<routing_config> load_routing_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return core::status::io_error("cannot read " + file.string());
  std::ostringstream text;
  text << in.rdbuf();
  return parse_routing_config(text.str(), file.string());
}

core::result<routing_config> load_routing_for(const std::filesystem::path& dir,
                                              std::string_view institution_id) {
  if (institution_id.empty() ||
      institution_id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") !=
          std::string_view::npos) {
    return core::status::invalid_argument("institution id '" + std::string(institution_id) +
                                          "' must be [a-z0-9_-]+");
  }
  const auto file = dir / (std::string(institution_id) + ".yaml");
  std::error_code ec;
  if (std::filesystem::exists(file, ec)) {
    auto c = load_routing_file(file);
    if (c && c->rules.institution.id.empty()) c->rules.institution.id = std::string(institution_id);
    return c;
  }
  routing_config c = default_routing_config();
  c.rules.institution.id = std::string(institution_id);
  return c;
}

}  // namespace tuki::routing
