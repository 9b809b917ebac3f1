#include "tuki/core/routing/ticket_json.hpp"

namespace tuki::routing {
namespace {

using nlohmann::json;

json time_or_null(const std::optional<core::instant>& t) {
  return t ? json(core::to_unix_ms(*t)) : json(nullptr);
}

struct reader {
  const json& j;
  std::string error;

  std::string str(const char* key) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string()) {
      if (error.empty()) error = std::string(key) + ": expected a string";
      return {};
    }
    return it->get<std::string>();
  }
  core::instant time(const char* key) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_number_integer()) {
      if (error.empty()) error = std::string(key) + ": expected unix milliseconds";
      return {};
    }
    return core::from_unix_ms(it->get<std::int64_t>());
  }
  std::optional<core::instant> optional_time(const char* key) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return std::nullopt;
    return time(key);
  }
};

}  // namespace

std::optional<ticket_status> parse_ticket_status(std::string_view s) {
  for (auto st : {ticket_status::new_ticket, ticket_status::opened, ticket_status::acknowledged,
                  ticket_status::resolved, ticket_status::reassigned, ticket_status::misrouted})
    if (to_string(st) == s) return st;
  return std::nullopt;
}

json to_json(const ticket& t) {
  json assignees = json::array();
  for (const auto& a : t.assignees)
    assignees.push_back({{"email", a.email},
                         {"name", a.name},
                         {"role", a.role},
                         {"language", a.language},
                         {"backup", a.backup_email},
                         {"via", a.via}});
  json history = json::array();
  for (const auto& e : t.history)
    history.push_back({{"at", core::to_unix_ms(e.at)},
                       {"event", e.event},
                       {"actor", e.actor},
                       {"detail", e.detail}});
  const auto& s = t.student;
  return {{"id", t.id},
          {"student",
           {{"id", s.id},
            {"name", s.name},
            {"campus", s.campus},
            {"group", s.group},
            {"programme", s.programme},
            {"language", s.language},
            {"teacher_email", s.teacher_email}}},
          {"category", t.category},
          {"urgency", std::string(core::to_string(t.urgency))},
          {"assignees", assignees},
          {"role", t.role},
          {"status", std::string(to_string(t.status))},
          {"history", history},
          {"excluded", t.excluded},
          {"misroute_count", t.misroute_count},
          {"created_at", core::to_unix_ms(t.created_at)},
          {"assigned_at", core::to_unix_ms(t.assigned_at)},
          {"acknowledged_at", time_or_null(t.acknowledged_at)},
          {"resolved_at", time_or_null(t.resolved_at)},
          {"reminded_at", time_or_null(t.reminded_at)},
          {"escalated_at", time_or_null(t.escalated_at)},
          {"still_open_at", time_or_null(t.still_open_at)},
          {"followup_at", time_or_null(t.followup_at)},
          {"followup_skipped", t.followup_skipped},
          {"follows_up", t.follows_up}};
}

core::result<ticket> ticket_from_json(const json& j) {
  if (!j.is_object()) return core::status::invalid_argument("ticket: expected an object");
  reader r{j, {}};
  ticket t;
  t.id = r.str("id");
  t.category = r.str("category");
  t.role = r.str("role");
  auto urgency = core::parse_urgency(r.str("urgency"));
  auto status = parse_ticket_status(r.str("status"));
  t.created_at = r.time("created_at");
  t.assigned_at = r.time("assigned_at");
  t.acknowledged_at = r.optional_time("acknowledged_at");
  t.resolved_at = r.optional_time("resolved_at");
  t.reminded_at = r.optional_time("reminded_at");
  t.escalated_at = r.optional_time("escalated_at");
  t.still_open_at = r.optional_time("still_open_at");
  t.followup_at = r.optional_time("followup_at");
  if (auto f = j.find("follows_up"); f != j.end() && f->is_string()) t.follows_up = *f;
  if (auto f = j.find("followup_skipped"); f != j.end() && f->is_boolean()) t.followup_skipped = *f;
  if (!r.error.empty()) return core::status::invalid_argument("ticket: " + r.error);
  if (!urgency) return core::status::invalid_argument("ticket: urgency: unknown value");
  if (!status) return core::status::invalid_argument("ticket: status: unknown value");
  t.urgency = *urgency;
  t.status = *status;
  auto student = j.find("student");
  if (student == j.end() || !student->is_object())
    return core::status::invalid_argument("ticket: student: expected an object");
  reader sr{*student, {}};
  t.student = {sr.str("id"),        sr.str("name"),     sr.str("campus"),       sr.str("group"),
               sr.str("programme"), sr.str("language"), sr.str("teacher_email")};
  if (!sr.error.empty()) return core::status::invalid_argument("ticket: student." + sr.error);
  auto list = [&](const char* key) -> const json* {
    auto it = j.find(key);
    return it != j.end() && it->is_array() ? &*it : nullptr;
  };
  const json* assignees = list("assignees");
  const json* history = list("history");
  const json* excluded = list("excluded");
  if (!assignees || !history || !excluded)
    return core::status::invalid_argument("ticket: assignees, history and excluded must be lists");
  for (const auto& a : *assignees) {
    if (!a.is_object())
      return core::status::invalid_argument("ticket: assignees: expected objects");
    reader ar{a, {}};
    assignee x{ar.str("email"),    ar.str("name"),   ar.str("role"),
               ar.str("language"), ar.str("backup"), ar.str("via")};
    if (!ar.error.empty()) return core::status::invalid_argument("ticket: assignees." + ar.error);
    t.assignees.push_back(std::move(x));
  }
  for (const auto& e : *history) {
    if (!e.is_object()) return core::status::invalid_argument("ticket: history: expected objects");
    reader er{e, {}};
    ticket_event x{er.time("at"), er.str("event"), er.str("actor"), er.str("detail")};
    if (!er.error.empty()) return core::status::invalid_argument("ticket: history." + er.error);
    t.history.push_back(std::move(x));
  }
  for (const auto& e : *excluded) {
    if (!e.is_string()) return core::status::invalid_argument("ticket: excluded: expected strings");
    t.excluded.push_back(e.get<std::string>());
  }
  auto mc = j.find("misroute_count");
  if (mc == j.end() || !mc->is_number_integer())
    return core::status::invalid_argument("ticket: misroute_count: expected an integer");
  t.misroute_count = mc->get<int>();
  return t;
}

}  // namespace tuki::routing
