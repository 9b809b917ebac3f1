#include "tuki/core/routing/route.hpp"

#include <algorithm>
#include <array>

#include "tuki/core/routing/availability.hpp"
#include "tuki/core/text/email_address.hpp"

namespace tuki::routing {
namespace {

constexpr int max_backup_hops = 8;

bool contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

assignee from_member(const staff_member& s, std::string_view role, std::string via) {
  return assignee{s.email, s.name, std::string(role), s.language, s.backup_email, std::move(via)};
}

// One route() call: its inputs plus the decision being built.
class router {
 public:
  router(const routing_rules& rules, const ticket_request& req, const staff_directory& staff,
         const routing_state& state, core::instant now)
      : rules_(rules),
        req_(req),
        staff_(staff),
        state_(state),
        local_(to_local(now, rules.zone)),
        urgent_(req.urgency == core::urgency::urgent) {
    for (const auto& e : req.excluded) excluded_.push_back(normalize_email(e));
  }

  core::result<routing_decision> run() {
    if (req_.role) {
      if (try_roles({*req_.role}, role_pick::first_available, "role|" + *req_.role)) {
        d_.reason = "reassigned to role " + *req_.role;
        return std::move(d_);
      }
      return fallback("nobody can take role " + *req_.role);
    }
    const int index = match_rule();
    if (index < 0) return fallback("no rule for category '" + req_.category + "'");
    const routing_rule& rule = rules_.rules[static_cast<std::size_t>(index)];
    const std::string why =
        "rule " + std::to_string(index) + (rule.where.empty() ? "" : " (" + rule.where + ")");
    bool found = false;
    if (rule.pick == role_pick::all_on_call) {
      found = all_on_call(rule);
    } else {
      std::string key = "rule|" + rule.category;
      for (const auto& r : rule.roles) key += "|" + r;
      found = try_roles(rule.roles, rule.pick, key);
    }
    if (found) {
      d_.rule_index = index;
      d_.reason = why + ": " + rule.category + " -> " + d_.role;
      return std::move(d_);
    }
    return fallback(why + " had nobody available");
  }

 private:
  // People who said "not mine", and people who left (their emails may still be a student's
  // teacher_email, someone's backup or the coordinator).
  bool is_excluded(std::string_view email) const {
    return contains(excluded_, email) || staff_.departed(email);
  }

  bool available_now(const staff_member& s) const {
    return !urgent_ || s.on_call || in_working_hours(s, local_);
  }

  // The member, or who stands in for them while absent; nullopt when nobody can.
  std::optional<assignee> resolve(const staff_member& s, std::string_view role,
                                  std::string via) const {
    if (is_excluded(s.email)) return std::nullopt;
    if (!is_absent(s, local_.day)) {
      if (!available_now(s)) return std::nullopt;
      return from_member(s, role, std::move(via));
    }
    const staff_member* cur = &s;
    for (int hop = 0; hop < max_backup_hops; ++hop) {
      const std::string& next = cur->backup_email;
      if (next.empty() || is_excluded(next)) return std::nullopt;
      const staff_member* b = staff_.find(next);
      if (b == nullptr) {
        // A backup outside the directory: nothing is known about their hours; trust the config.
        // Their language is not known either: "" is the institution's.
        return assignee{next, "", std::string(role), "", "", "backup for " + s.email};
      }
      if (!is_absent(*b, local_.day)) {
        if (!available_now(*b)) return std::nullopt;
        return from_member(*b, role, "backup for " + s.email);
      }
      cur = b;
    }
    return std::nullopt;
  }

  // 0 = serves the student's group, 1 = the campus, 2 = everyone; -1 = not this student.
  int scope_tier(const staff_member& s) const {
    const auto& st = req_.student;
    if (!s.groups.empty()) {
      if (!contains(s.groups, st.group)) return -1;
      return s.campuses.empty() || contains(s.campuses, st.campus) ? 0 : -1;
    }
    if (!s.campuses.empty()) return contains(s.campuses, st.campus) ? 1 : -1;
    return 2;
  }

  // Candidates for the roles in the best non-empty tier, sorted by email, unique.
  std::vector<assignee> candidates(const std::vector<std::string>& roles) const {
    std::array<std::vector<assignee>, 4> tiers;  // own teacher, group, campus, everyone
    for (const auto& role : roles) {
      // An own-teacher address that cannot be mailed (one stored before imports checked
      // addresses fully) is passed over, so the ticket goes to the group's or campus's teachers.
      if (role == "teacher" && core::is_email_address(req_.student.teacher_email)) {
        const std::string own = normalize_email(req_.student.teacher_email);
        if (const staff_member* t = staff_.find(own)) {
          if (auto a = resolve(*t, role, "own teacher")) tiers[0].push_back(std::move(*a));
        } else if (!is_excluded(own)) {
          tiers[0].push_back(assignee{own, "", role, "", "", "own teacher"});
        }
      }
      for (std::size_t i : staff_.holders(role)) {
        const staff_member& s = staff_.all()[i];
        const int tier = scope_tier(s);
        if (tier < 0) continue;
        if (auto a = resolve(s, role, "")) tiers[static_cast<std::size_t>(tier) + 1].push_back(*a);
      }
    }
    for (auto& t : tiers) {
      if (t.empty()) continue;
      std::stable_sort(t.begin(), t.end(),
                       [](const assignee& a, const assignee& b) { return a.email < b.email; });
      t.erase(std::unique(t.begin(), t.end(),
                          [](const assignee& a, const assignee& b) { return a.email == b.email; }),
              t.end());
      return std::move(t);
    }
    return {};
  }

  assignee choose(std::vector<assignee> c, const std::string& key) {
    if (c.size() == 1) return std::move(c.front());
    if (rules_.strategy == choice_strategy::fewest_open) {
      auto open = [&](const assignee& a) {
        auto it = state_.open_counts.find(a.email);
        return it == state_.open_counts.end() ? 0 : it->second;
      };
      // Candidates are sorted by email, so min_element's first minimum is the smaller email.
      auto best = std::min_element(c.begin(), c.end(), [&](const assignee& a, const assignee& b) {
        return open(a) < open(b);
      });
      return std::move(*best);
    }
    auto it = state_.cursors.find(key);
    const std::uint64_t cursor = it == state_.cursors.end() ? 0 : it->second;
    d_.cursor_updates.emplace_back(key, cursor + 1);
    return std::move(c[cursor % c.size()]);
  }

  bool try_roles(const std::vector<std::string>& roles, role_pick pick, const std::string& key) {
    if (pick == role_pick::pool) {
      auto c = candidates(roles);
      if (c.empty()) return false;
      d_.assignees.push_back(choose(std::move(c), key + "|pool"));
      d_.role = d_.assignees.back().role;
      return true;
    }
    for (const auto& role : roles) {
      auto c = candidates({role});
      if (c.empty()) continue;
      d_.assignees.push_back(choose(std::move(c), key + "|" + role));
      d_.role = role;
      return true;
    }
    return false;
  }

  void add_unique(assignee a) {
    for (const auto& x : d_.assignees) {
      if (x.email == a.email) return;
    }
    d_.assignees.push_back(std::move(a));
  }

  // Crisis: everyone on call in the listed roles (scope is ignored: any of them can call the
  // student), plus the crisis contact. With nobody on call, everyone in those roles at work now.
  bool all_on_call(const routing_rule& rule) {
    for (int pass = 0; pass < 2 && d_.assignees.empty(); ++pass) {
      for (const auto& role : rule.roles) {
        for (std::size_t i : staff_.holders(role)) {
          const staff_member& s = staff_.all()[i];
          if (pass == 0 && !s.on_call) continue;
          if (auto a = resolve(s, role, pass == 0 ? "on call" : "")) add_unique(std::move(*a));
        }
      }
    }
    std::sort(d_.assignees.begin(), d_.assignees.end(),
              [](const assignee& a, const assignee& b) { return a.email < b.email; });
    if (rule.notify_crisis_contact)
      if (auto contact = crisis_contact(rules_, staff_); contact && !is_excluded(contact->email))
        add_unique(std::move(*contact));
    for (std::size_t i = 0; i < rule.roles.size(); ++i) d_.role += (i ? "," : "") + rule.roles[i];
    return !d_.assignees.empty();
  }

  int match_rule() const {
    int best = -1;
    int best_spec = -1;
    const auto& st = req_.student;
    for (std::size_t i = 0; i < rules_.rules.size(); ++i) {
      const routing_rule& r = rules_.rules[i];
      if (r.category != req_.category) continue;
      if (r.campus && *r.campus != st.campus) continue;
      if (r.group && *r.group != st.group) continue;
      if (r.programme && *r.programme != st.programme) continue;
      if (r.language && *r.language != st.language) continue;
      if (r.urgency && *r.urgency != req_.urgency) continue;
      if (r.specificity() > best_spec) {
        best = static_cast<int>(i);
        best_spec = r.specificity();
      }
    }
    return best;
  }

  core::result<routing_decision> fallback(const std::string& why) {
    d_.assignees.clear();
    d_.rule_index = rule_none;
    if (urgent_) {
      std::vector<assignee> c;
      for (const auto& s : staff_.all()) {
        if (!s.on_call) continue;
        if (auto a = resolve(s, s.roles.empty() ? "on_call" : s.roles.front(), "on call")) {
          c.push_back(std::move(*a));
        }
      }
      if (!c.empty()) {
        std::sort(c.begin(), c.end(),
                  [](const assignee& a, const assignee& b) { return a.email < b.email; });
        d_.assignees.push_back(choose(std::move(c), "on_call"));
        d_.role = "on_call";
        d_.reason = why + "; urgent: on-call staff";
        return std::move(d_);
      }
    }
    if (try_roles({rules_.fallback_role}, role_pick::first_available,
                  "fallback|" + rules_.fallback_role)) {
      d_.reason = why + "; fallback role " + rules_.fallback_role;
      return std::move(d_);
    }
    const std::string coordinator = normalize_email(rules_.institution.coordinator_email);
    if (!coordinator.empty() && !is_excluded(coordinator)) {
      const staff_member* s = staff_.find(coordinator);
      d_.assignees.push_back(s ? from_member(*s, "coordinator", "")
                               : assignee{coordinator, "", "coordinator", "", "", ""});
      d_.role = "coordinator";
      d_.reason = why + "; nobody in role " + rules_.fallback_role + ": coordinator";
      return std::move(d_);
    }
    return core::status::not_found(why + "; no " + rules_.fallback_role +
                                   " and no coordinator: the ticket cannot be assigned");
  }

  const routing_rules& rules_;
  const ticket_request& req_;
  const staff_directory& staff_;
  const routing_state& state_;
  local_moment local_;
  bool urgent_;
  std::vector<std::string> excluded_;
  routing_decision d_;
};

}  // namespace

core::result<routing_decision> route(const routing_rules& rules, const ticket_request& request,
                                     const staff_directory& staff, const routing_state& state,
                                     core::instant now) {
  return router(rules, request, staff, state, now).run();
}

void apply(routing_state& state, const routing_decision& decision) {
  for (const auto& [key, value] : decision.cursor_updates) state.cursors[key] = value;
  for (const auto& a : decision.assignees) ++state.open_counts[a.email];
}

std::optional<assignee> crisis_contact(const routing_rules& rules, const staff_directory& staff) {
  const std::string contact = normalize_email(rules.institution.crisis_contact_email);
  if (contact.empty() || staff.departed(contact)) return std::nullopt;
  const staff_member* s = staff.find(contact);
  return s ? from_member(*s, "crisis_contact", "")
           : assignee{contact, "", "crisis_contact", "", "", ""};
}

std::vector<std::string> known_roles(const routing_rules& rules, const staff_directory& staff) {
  std::vector<std::string> out;
  if (!rules.fallback_role.empty()) out.push_back(rules.fallback_role);
  for (const auto& r : rules.rules) out.insert(out.end(), r.roles.begin(), r.roles.end());
  for (const auto& s : staff.all()) out.insert(out.end(), s.roles.begin(), s.roles.end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

core::result<routing_decision> assign_to_person(const staff_directory& staff,
                                                std::string_view email, std::string_view role) {
  const std::string e = normalize_email(email);
  if (!core::is_email_address(e)) {
    return core::status::invalid_argument("reassignment needs an email address");
  }
  routing_decision d;
  const staff_member* s = staff.find(e);
  d.assignees.push_back(
      s ? from_member(*s, role, "")
        : assignee{e, "", std::string(role), "", "", ""});  // "": the institution's
  d.role = std::string(role);
  d.reason = "reassigned to " + e;
  return d;
}

}  // namespace tuki::routing
