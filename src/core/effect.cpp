#include "tuki/core/effect.hpp"

#include <nlohmann/json.hpp>

namespace tuki::core {
namespace {

struct to_json_visitor {
  nlohmann::json operator()(const send_sms& e) const {
    return {{"type", "send_sms"}, {"text", e.text},
            {"priority", static_cast<int>(e.priority)}, {"purpose", e.purpose}};
  }
  nlohmann::json operator()(const open_ticket& e) const {
    return {{"type", "open_ticket"}, {"category", e.category},
            {"urgency", std::string(to_string(e.urgency))}, {"dialog_id", e.dialog_id},
            {"node_id", e.node_id}, {"excerpt", e.excerpt}};
  }
  nlohmann::json operator()(const schedule_timer& e) const {
    return {{"type", "schedule_timer"}, {"kind", e.kind}, {"at", to_unix_ms(e.at)},
            {"token", e.token}};
  }
  nlohmann::json operator()(const set_contact_state& e) const {
    nlohmann::json j{{"type", "set_contact_state"}, {"opted_out", e.opted_out}};
    j["paused_until"] = e.paused_until ? nlohmann::json(to_unix_ms(*e.paused_until)) : nullptr;
    return j;
  }
  nlohmann::json operator()(const record_result& e) const {
    return {{"type", "record_result"}, {"key", e.key}, {"value", e.value}};
  }
  nlohmann::json operator()(const end_session& e) const {
    return {{"type", "end_session"}, {"outcome", e.outcome}};
  }
};

}  // namespace

nlohmann::json to_json(const effect& e) { return std::visit(to_json_visitor{}, e); }

std::string_view effect_type(const effect& e) {
  static constexpr std::string_view names[] = {"send_sms",          "open_ticket",
                                               "schedule_timer",    "set_contact_state",
                                               "record_result",     "end_session"};
  return names[e.index()];
}

std::string_view to_string(sms_priority p) {
  switch (p) {
    case sms_priority::crisis: return "crisis";
    case sms_priority::reply: return "reply";
    case sms_priority::bulk: return "bulk";
  }
  return "bulk";
}

std::optional<effect> effect_from_json(const nlohmann::json& j) {
  try {
    const std::string type = j.at("type").get<std::string>();
    if (type == "send_sms") {
      int p = j.at("priority").get<int>();
      if (p < 0 || p > 2) return std::nullopt;
      return send_sms{j.at("text").get<std::string>(), static_cast<sms_priority>(p),
                      j.at("purpose").get<std::string>()};
    }
    if (type == "open_ticket") {
      auto u = parse_urgency(j.at("urgency").get<std::string>());
      if (!u) return std::nullopt;
      return open_ticket{j.at("category").get<std::string>(), *u,
                         j.at("dialog_id").get<std::string>(), j.at("node_id").get<std::string>(),
                         j.at("excerpt").get<std::string>()};
    }
    if (type == "schedule_timer") {
      return schedule_timer{j.at("kind").get<std::string>(),
                            from_unix_ms(j.at("at").get<std::int64_t>()),
                            j.at("token").get<std::int64_t>()};
    }
    if (type == "set_contact_state") {
      set_contact_state s{j.at("opted_out").get<bool>(), std::nullopt};
      if (!j.at("paused_until").is_null())
        s.paused_until = from_unix_ms(j.at("paused_until").get<std::int64_t>());
      return s;
    }
    if (type == "record_result")
      return record_result{j.at("key").get<std::string>(), j.at("value").get<std::string>()};
    if (type == "end_session") return end_session{j.at("outcome").get<std::string>()};
  } catch (const nlohmann::json::exception&) {
  }
  return std::nullopt;
}

}  // namespace tuki::core
