#include "tuki/core/dialog/placeholders.hpp"

#include <algorithm>

#include "tuki/core/dialog/yaml_reader.hpp"
#include "tuki/core/text/utf8_validity.hpp"

namespace tuki::dialog {
namespace {

constexpr std::string_view no_escape = " (tuki has no escape for a literal brace)";

// "character N" of the byte offset `at` of `text`, counted in code points from 1.
std::string character(std::string_view text, std::size_t at) {
  return "character " + std::to_string(core::utf8_code_points(text.substr(0, at)) + 1);
}

}  // namespace

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

std::vector<std::string> malformed_placeholders(std::string_view text) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '}') {
      out.push_back("'}' at " + character(text, i) + " has no '{' before it" +
                    std::string(no_escape));
      ++i;
      continue;
    }
    if (text[i] != '{') {
      ++i;
      continue;
    }
    const std::size_t close = text.find_first_of("{}", i + 1);
    if (close == std::string_view::npos || text[close] == '{') {
      std::size_t end = text.find_first_of(" \t\r\n{}", i + 1);
      if (end == std::string_view::npos) end = text.size();
      out.push_back("'{' at " + character(text, i) + " is never closed: '" +
                    std::string(text.substr(i, end - i)) + "'" + std::string(no_escape));
      ++i;
      continue;
    }
    const std::string_view name = text.substr(i + 1, close - i - 1);
    if (name.empty())
      out.push_back("empty placeholder {} at " + character(text, i) + std::string(no_escape));
    else if (!is_placeholder_name(name))
      out.push_back("malformed placeholder {" + std::string(name) + "} at " + character(text, i) +
                    ": a placeholder name has only letters, digits and _");
    i = close + 1;
  }
  return out;
}

std::vector<std::string> placeholder_errors(const text_template& t,
                                            const std::vector<std::string>& known) {
  auto out = malformed_placeholders(t.source());
  for (auto& msg : unknown_placeholders(t, known)) out.push_back(std::move(msg));
  return out;
}

}  // namespace tuki::dialog
