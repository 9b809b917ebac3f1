#include "tuki/core/dialog/yaml_reader.hpp"

#include <algorithm>
#include <charconv>

#include "tuki/core/text/nearest_word.hpp"
#include "tuki/core/yaml_structure.hpp"

namespace tuki::dialog {
namespace {

std::string_view kind_name(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Scalar: return "a scalar";
    case YAML::NodeType::Null: return "nothing";
    default: return "nothing";
  }
}

}  // namespace

std::optional<core::duration> parse_duration(std::string_view text) {
  if (text.size() < 2) return std::nullopt;
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size() - 1, n);
  if (ec != std::errc{} || end != text.data() + text.size() - 1 || n <= 0) return std::nullopt;
  switch (text.back()) {
    case 's': return std::chrono::seconds(n);
    case 'm': return std::chrono::minutes(n);
    case 'h': return std::chrono::hours(n);
    case 'd': return std::chrono::days(n);
    default: return std::nullopt;
  }
}

std::string nearest(std::string_view word, const std::vector<std::string>& allowed) {
  return core::nearest_word(word, allowed);
}

void yaml_reader::add(diagnostic::severity level, const YAML::Mark& at, std::string message) {
  diagnostic d;
  d.level = level;
  d.file = file_;
  if (at.line >= 0) {
    d.line = at.line + 1;
    d.column = at.column + 1;
  }
  d.node_id = node_;
  d.message = std::move(message);
  diags_.push_back(std::move(d));
}

void yaml_reader::error(const YAML::Node& at, std::string message) {
  add(diagnostic::severity::error, at.IsDefined() ? at.Mark() : YAML::Mark::null_mark(),
      std::move(message));
}
void yaml_reader::warning(const YAML::Node& at, std::string message) {
  add(diagnostic::severity::warning, at.IsDefined() ? at.Mark() : YAML::Mark::null_mark(),
      std::move(message));
}
void yaml_reader::error_at(const YAML::Mark& at, std::string message) {
  add(diagnostic::severity::error, at, std::move(message));
}

bool yaml_reader::sound_structure(const YAML::Node& root) {
  auto problems = core::check_yaml_structure(root);
  for (auto& p : problems) error_at(p.mark, (p.path.empty() ? "" : p.path + ": ") + p.what);
  return problems.empty();
}

bool yaml_reader::is_map(const YAML::Node& n, std::string_view what) {
  if (n.IsMap()) return true;
  error(n, std::string(what) + " must be a map, found " + std::string(kind_name(n)));
  return false;
}

bool yaml_reader::is_list(const YAML::Node& n, std::string_view what) {
  if (n.IsSequence()) return true;
  error(n, std::string(what) + " must be a list, found " + std::string(kind_name(n)));
  return false;
}

bool yaml_reader::map(const YAML::Node& n, std::string_view what,
                      std::initializer_list<std::string_view> allowed) {
  if (!is_map(n, what)) return false;
  std::vector<std::string> names(allowed.begin(), allowed.end());
  for (auto it = n.begin(); it != n.end(); ++it) {
    if (!it->first.IsScalar()) {
      error(it->first, "keys of " + std::string(what) + " must be plain words");
      continue;
    }
    const std::string key = it->first.Scalar();
    if (std::find(names.begin(), names.end(), key) != names.end()) continue;
    std::string msg = "unknown key '" + key + "' in " + std::string(what);
    if (auto near = nearest(key, names); !near.empty()) msg += " (did you mean '" + near + "'?)";
    error(it->first, std::move(msg));
  }
  return true;
}

bool yaml_reader::require(const YAML::Node& parent, std::string_view key) {
  if (parent[std::string(key)]) return true;
  error(parent, "missing required key '" + std::string(key) + "'");
  return false;
}

std::optional<std::string> yaml_reader::string(const YAML::Node& n, std::string_view what) {
  if (n.IsScalar()) return n.Scalar();
  error(n, std::string(what) + " must be a string, found " + std::string(kind_name(n)));
  return std::nullopt;
}

std::optional<std::int64_t> yaml_reader::integer(const YAML::Node& n, std::string_view what) {
  if (n.IsScalar()) {
    const std::string& s = n.Scalar();
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc{} && end == s.data() + s.size()) return v;
    error(n, std::string(what) + " must be a whole number, found '" + s + "'");
    return std::nullopt;
  }
  error(n, std::string(what) + " must be a whole number, found " + std::string(kind_name(n)));
  return std::nullopt;
}

std::optional<bool> yaml_reader::boolean(const YAML::Node& n, std::string_view what) {
  if (n.IsScalar()) {
    const std::string& s = n.Scalar();
    if (s == "true" || s == "yes" || s == "on") return true;
    if (s == "false" || s == "no" || s == "off") return false;
  }
  error(n, std::string(what) + " must be true or false");
  return std::nullopt;
}

std::optional<core::duration> yaml_reader::duration(const YAML::Node& n, std::string_view what) {
  if (n.IsScalar())
    if (auto d = parse_duration(n.Scalar())) return d;
  error(n, std::string(what) + " must be a duration such as 30m, 24h or 3d");
  return std::nullopt;
}

std::optional<std::vector<std::string>> yaml_reader::strings(const YAML::Node& n,
                                                             std::string_view what) {
  if (n.IsScalar()) return std::vector<std::string>{n.Scalar()};
  if (!n.IsSequence()) {
    error(n, std::string(what) + " must be a list of strings, found " + std::string(kind_name(n)));
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (const auto& item : n) {
    if (auto s = string(item, what)) out.push_back(*s);
    else ok = false;
  }
  if (!ok) return std::nullopt;
  return out;
}

}  // namespace tuki::dialog
