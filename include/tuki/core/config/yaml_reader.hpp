#pragma once
// A strict reader over a yaml-cpp map that records located errors: unknown keys (typos), wrong
// types, missing required keys. Used by every YAML loader of tuki so errors read alike:
// "file:line:col: path.to.key: what is wrong" (lines and columns 1-based).
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "tuki/core/config/env_substitution.hpp"
#include "tuki/core/config/source_locations.hpp"

namespace tuki::config {

class yaml_errors {
 public:
  explicit yaml_errors(std::string file) : file_(std::move(file)) {}
  /// An error at `mark`. When the value there came from the environment (note_substitution),
  /// the line ends with where it came from: "... got 'loud' (from ${TUKI_LOG_LEVEL:-info})",
  /// since the file's line shows only the reference.
  void add(const YAML::Mark& mark, const std::string& path, const std::string& what);
  /// The scalar at `mark` was `raw` in the file before ${NAME} substitution.
  void note_substitution(const YAML::Mark& mark, std::string raw);
  /// What note_substitution recorded at `mark` (read the value first), else empty: for
  /// source_locations, whose later errors then say it too.
  std::string substituted(const YAML::Mark& mark) const;
  /// "file:line:col" of `mark`, or the file alone when the mark is unknown.
  std::string where(const YAML::Mark& mark) const;
  bool empty() const { return lines_.empty(); }
  /// All errors, one per line.
  std::string text() const;
  const std::string& file() const { return file_; }

 private:
  std::string file_;
  std::vector<std::string> lines_;
  std::map<std::pair<int, int>, std::string> substituted_;  // (line, column) -> raw text
};

/// Reads one YAML map. Scalars pass through env substitution when `env` is set.
class yaml_map_reader {
 public:
  yaml_map_reader(const YAML::Node& node, std::string path, yaml_errors& errors,
                  const env_lookup* env);
  bool valid() const { return valid_; }
  bool has(const std::string& key) const;
  YAML::Node node(const std::string& key) const;
  /// Where `key` stands, or where the map stands when the key is absent.
  YAML::Mark mark(const std::string& key) const;
  std::string child_path(const std::string& key) const;

  std::optional<std::string> string(const std::string& key, bool required = false);
  std::optional<long long> integer(const std::string& key, long long min, long long max,
                                   bool required = false);
  std::optional<bool> boolean(const std::string& key);
  std::optional<std::vector<std::string>> string_list(const std::string& key);

  /// Call after reading: every key not read is reported as unknown.
  void reject_unknown_keys();

 private:
  std::optional<std::string> scalar(const std::string& key, bool required);
  YAML::Node node_;
  std::string path_;
  yaml_errors& errors_;
  const env_lookup* env_;
  bool valid_ = true;
  std::set<std::string> read_;
};

/// Converts a YAML node to JSON (scalars become strings, numbers or booleans as they parse),
/// substituting ${VAR}s; errors are recorded with their location.
nlohmann::json yaml_to_json(const YAML::Node& node, const std::string& path, yaml_errors& errors,
                            const env_lookup* env);

}  // namespace tuki::config
