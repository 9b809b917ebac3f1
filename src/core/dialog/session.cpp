#include "tuki/core/dialog/session.hpp"

namespace tuki::dialog {

namespace {
constexpr int session_format = 1;
}

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
    s.dialog_version = j.at("version").get<std::string>();
    s.node = j.at("node").get<std::string>();
    s.token = j.at("token").get<std::int64_t>();
    s.visits = j.at("visits").get<std::map<std::string, int>>();
    s.scores = j.at("scores").get<std::map<std::string, int>>();
    s.flags = j.at("flags").get<std::set<std::string>>();
    s.results = j.at("results").get<std::map<std::string, std::string>>();
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
