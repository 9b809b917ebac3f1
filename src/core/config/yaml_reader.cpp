#include "tuki/core/config/yaml_reader.hpp"

#include <charconv>
#include <string>

#include "tuki/core/text/nearest_word.hpp"

namespace tuki::config {

void yaml_errors::add(const YAML::Mark& mark, const std::string& path, const std::string& what) {
  std::string line = where(mark) + ": " + (path.empty() ? "" : path + ": ") + what;
  if (auto it = substituted_.find({mark.line, mark.column}); it != substituted_.end())
    line += substitution_note(it->second);
  lines_.push_back(std::move(line));
}

void yaml_errors::note_substitution(const YAML::Mark& mark, std::string raw) {
  if (mark.is_null()) return;  // no position to tell it by
  substituted_[{mark.line, mark.column}] = std::move(raw);
}

std::string yaml_errors::substituted(const YAML::Mark& mark) const {
  auto it = substituted_.find({mark.line, mark.column});
  return it == substituted_.end() ? std::string() : it->second;
}

std::string yaml_errors::where(const YAML::Mark& mark) const {
  if (mark.line < 0) return file_;
  return file_ + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

std::string yaml_errors::text() const {
  std::string out;
  for (const auto& l : lines_) out += (out.empty() ? "" : "\n") + l;
  return out;
}

yaml_map_reader::yaml_map_reader(const YAML::Node& node, std::string path, yaml_errors& errors,
                                 const env_lookup* env)
    : node_(node.IsDefined() ? node : YAML::Node()),
      path_(std::move(path)),
      errors_(errors),
      env_(env) {
  if (!node_.IsDefined() || node_.IsNull()) {
    node_ = YAML::Node(YAML::NodeType::Map);
  } else if (!node_.IsMap()) {
    errors_.add(node.Mark(), path_, "expected a map of keys");
    valid_ = false;
  }
}

bool yaml_map_reader::has(const std::string& key) const {
  const YAML::Node& n = node_;
  return valid_ && n[key].IsDefined();
}

YAML::Node yaml_map_reader::node(const std::string& key) const {
  const_cast<yaml_map_reader*>(this)->read_.insert(key);
  const YAML::Node& n = node_;
  if (!valid_ || !n[key].IsDefined()) return YAML::Node();
  return n[key];
}

YAML::Mark yaml_map_reader::mark(const std::string& key) const {
  const YAML::Node& n = node_;
  if (valid_ && n[key].IsDefined()) return n[key].Mark();
  return node_.Mark();
}

std::string yaml_map_reader::child_path(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

std::optional<std::string> yaml_map_reader::scalar(const std::string& key, bool required) {
  read_.insert(key);
  if (!valid_) return std::nullopt;
  const YAML::Node& map = node_;
  YAML::Node n = map[key];
  if (!n.IsDefined() || n.IsNull()) {
    if (required) errors_.add(node_.Mark(), child_path(key), "is required");
    return std::nullopt;
  }
  if (!n.IsScalar()) {
    errors_.add(n.Mark(), child_path(key), "expected a single value");
    return std::nullopt;
  }
  std::string v = n.Scalar();
  if (env_) {
    auto s = substitute_env(v, *env_);
    if (!s) {
      errors_.add(n.Mark(), child_path(key), s.error().message());
      return std::nullopt;
    }
    if (*s != v) errors_.note_substitution(n.Mark(), v);
    v = std::move(*s);
  }
  return v;
}

std::optional<std::string> yaml_map_reader::string(const std::string& key, bool required) {
  return scalar(key, required);
}

std::optional<long long> yaml_map_reader::integer(const std::string& key, long long min,
                                                  long long max, bool required) {
  auto s = scalar(key, required);
  if (!s) return std::nullopt;
  long long v = 0;
  auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
  if (ec != std::errc() || p != s->data() + s->size()) {
    errors_.add(mark(key), child_path(key), "expected a whole number, got '" + *s + "'");
    return std::nullopt;
  }
  if (v < min || v > max) {
    errors_.add(mark(key), child_path(key),
                "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                    ", got " + *s);
    return std::nullopt;
  }
  return v;
}

std::optional<bool> yaml_map_reader::boolean(const std::string& key) {
  auto s = scalar(key, false);
  if (!s) return std::nullopt;
  if (*s == "true" || *s == "yes" || *s == "on") return true;
  if (*s == "false" || *s == "no" || *s == "off") return false;
  errors_.add(mark(key), child_path(key), "expected true or false, got '" + *s + "'");
  return std::nullopt;
}

std::optional<std::vector<std::string>> yaml_map_reader::string_list(const std::string& key) {
  read_.insert(key);
  if (!valid_) return std::nullopt;
  const YAML::Node& map = node_;
  YAML::Node n = map[key];
  if (!n || n.IsNull()) return std::nullopt;
  if (!n.IsSequence()) {
    errors_.add(n.Mark(), child_path(key), "expected a list");
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n.size(); ++i) {
    std::string p = child_path(key) + "[" + std::to_string(i) + "]";
    if (!n[i].IsScalar()) {
      errors_.add(n[i].Mark(), p, "expected a single value");
      continue;
    }
    std::string v = n[i].Scalar();
    if (env_) {
      auto s = substitute_env(v, *env_);
      if (!s) {
        errors_.add(n[i].Mark(), p, s.error().message());
        continue;
      }
      if (*s != v) errors_.note_substitution(n[i].Mark(), v);
      v = std::move(*s);
    }
    out.push_back(std::move(v));
  }
  return out;
}

void yaml_map_reader::reject_unknown_keys() {
  if (!valid_) return;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    std::string k = it->first.as<std::string>();
    if (read_.count(k)) continue;
    const auto near = core::nearest_word(k, std::vector<std::string>(read_.begin(), read_.end()));
    errors_.add(it->first.Mark(), child_path(k),
                near.empty() ? "unknown key" : "unknown key (did you mean '" + near + "'?)");
  }
}

nlohmann::json yaml_to_json(const YAML::Node& node, const std::string& path, yaml_errors& errors,
                            const env_lookup* env) {
  if (!node || node.IsNull()) return nullptr;
  if (node.IsSequence()) {
    auto arr = nlohmann::json::array();
    for (std::size_t i = 0; i < node.size(); ++i)
      arr.push_back(yaml_to_json(node[i], path + "[" + std::to_string(i) + "]", errors, env));
    return arr;
  }
  if (node.IsMap()) {
    auto obj = nlohmann::json::object();
    for (auto it = node.begin(); it != node.end(); ++it) {
      std::string k = it->first.as<std::string>();
      obj[k] = yaml_to_json(it->second, path.empty() ? k : path + "." + k, errors, env);
    }
    return obj;
  }
  std::string v = node.Scalar();
  if (env) {
    auto s = substitute_env(v, *env);
    if (!s) {
      errors.add(node.Mark(), path, s.error().message());
      return nullptr;
    }
    if (*s != v) errors.note_substitution(node.Mark(), v);
    v = std::move(*s);
  }
  if (node.Tag() == "!") return v;  // quoted: always a string
  if (v == "true" || v == "false") return v == "true";
  // A number only when the number gives back the text as written: "007007" (a Kannel password,
  // a sender, also from `${NAME}`) stays the string it is, so a driver reading a string field
  // from a number gets the very text the operator wrote, leading zeros included.
  long long i = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), i);
  if (!v.empty() && ec == std::errc() && p == v.data() + v.size() && std::to_string(i) == v) return i;
  return v;
}

}  // namespace tuki::config
