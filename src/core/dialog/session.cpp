#include "tuki/core/dialog/session.hpp"

namespace tuki::dialog {

namespace {
constexpr int session_format = 1;

// Reads an object of V into Map, a small_map (as std::map<std::string, V> would read it); throws
// json exceptions.
template <class Map>
Map map_from(const nlohmann::json& j) {
  using value = typename Map::value_type::second_type;
  Map m;
  for (const auto& [k, v] : j.get_ref<const nlohmann::json::object_t&>())
    m[k] = v.template get<value>();
  return m;
}

// Reads an array of strings into Set, a small_set (as std::set<std::string> would); throws json
// exceptions.
template <class Set>
Set set_from(const nlohmann::json& j) {
  Set s;
  for (const auto& v : j.get_ref<const nlohmann::json::array_t&>())
    s.insert(v.get_ref<const std::string&>());
  return s;
}

}  // namespace

nlohmann::json session::to_json() const {
  return {{"format", session_format},
          {"dialog", dialog_id},
          {"version", dialog_version},
          {"node", node},
          {"token", token},
          {"visits", visits},
          {"scores", scores},
          {"flags", flags},
          {"results", results},
          {"reminders_sent", reminders_sent},
          {"hints_used", hints_used},
          {"last_category", last_category},
          {"started", core::to_unix_ms(started)},
          {"expires", core::to_unix_ms(expires)}};
}

core::result<session> session::from_json(const nlohmann::json& j) {
  try {
    if (j.at("format").get<int>() != session_format)
      return core::status::invalid_argument("session: unknown format " + j.at("format").dump());
    session s;
    s.dialog_id = j.at("dialog").get<std::string>();
    s.dialog_version = j.at("version").get_ref<const std::string&>();
    s.node = j.at("node").get<std::string>();
    s.token = j.at("token").get<std::int64_t>();
    s.visits = map_from<decltype(s.visits)>(j.at("visits"));
    s.scores = map_from<decltype(s.scores)>(j.at("scores"));
    s.flags = set_from<decltype(s.flags)>(j.at("flags"));
    s.results = map_from<decltype(s.results)>(j.at("results"));
    s.reminders_sent = j.at("reminders_sent").get<int>();
    s.hints_used = j.at("hints_used").get<int>();
    s.last_category = j.at("last_category").get<std::string>();
    s.started = core::from_unix_ms(j.at("started").get<std::int64_t>());
    s.expires = core::from_unix_ms(j.at("expires").get<std::int64_t>());
    return s;
  } catch (const nlohmann::json::exception& e) {
    return core::status::invalid_argument(std::string("session: ") + e.what());
  }
}

}  // namespace tuki::dialog
