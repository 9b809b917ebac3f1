#include "tuki/core/dialog/placeholders.hpp"

#include <algorithm>

#include "tuki/core/dialog/yaml_reader.hpp"

namespace tuki::dialog {

const std::vector<std::string>& dialog_placeholders() {
  static const std::vector<std::string> names{"first_name", "helpline", "staff_role"};
  return names;
}

const std::vector<std::string>& reply_placeholders(std::string_view key) {
  static const std::vector<std::string> seen{"staff_role"};
  static const std::vector<std::string> pause{"helpline", "paused_until"};
  static const std::vector<std::string> others{"helpline"};
  if (key == "ticket_seen") return seen;
  if (key == "pause") return pause;
  return others;
}

std::vector<std::string> unknown_placeholders(const text_template& t,
                                              const std::vector<std::string>& known) {
  std::vector<std::string> out;
  for (const auto& name : t.placeholders()) {
    if (std::find(known.begin(), known.end(), name) != known.end()) continue;
    std::string msg = "unknown placeholder {" + name + "}";
    if (auto near = nearest(name, known); !near.empty()) msg += " (did you mean {" + near + "}?)";
    msg += "; known placeholders:";
    for (std::size_t i = 0; i < known.size(); ++i) msg += (i ? ", {" : " {") + known[i] + "}";
    out.push_back(std::move(msg));
  }
  return out;
}

}  // namespace tuki::dialog
