#pragma once
// Checked reading of YAML values with located diagnostics. Every accessor reports a wrong type
// or a missing key at the node's position and returns nullopt; callers keep going so that one
// load reports every problem. Not thread-safe (collects into one diagnostics vector).
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "tuki/core/dialog/diagnostic.hpp"
#include "tuki/core/instant.hpp"

namespace tuki::dialog {

/// Parses "90s", "30m", "24h", "14d" (a positive integer and a unit); nullopt otherwise.
std::optional<core::duration> parse_duration(std::string_view text);

class yaml_reader {
 public:
  yaml_reader(std::string file, std::vector<diagnostic>& diags)
      : file_(std::move(file)), diags_(diags) {}

  const std::string& file() const { return file_; }
  /// The node id that later diagnostics name (empty outside nodes).
  void set_node(std::string id) { node_ = std::move(id); }
  const std::string& node() const { return node_; }

  void error(const YAML::Node& at, std::string message);
  void warning(const YAML::Node& at, std::string message);
  void error_at(const YAML::Mark& at, std::string message);
  /// Reports every problem of core::check_yaml_structure (keys that are not plain names,
  /// duplicate keys, invalid UTF-8, alias cycles); false when there was one. Run on the root right
  /// after parsing.
  bool sound_structure(const YAML::Node& root);

  /// Checks that n is a map whose keys are all in `allowed`; an unknown key is reported at the
  /// key with the nearest allowed one ("unknown key 'nxet' (did you mean 'next'?)").
  bool map(const YAML::Node& n, std::string_view what,
           std::initializer_list<std::string_view> allowed);
  bool is_map(const YAML::Node& n, std::string_view what);
  bool is_list(const YAML::Node& n, std::string_view what);
  /// Reports a missing required key at the parent map.
  bool require(const YAML::Node& parent, std::string_view key);

  std::optional<std::string> string(const YAML::Node& n, std::string_view what);
  std::optional<std::int64_t> integer(const YAML::Node& n, std::string_view what);
  std::optional<bool> boolean(const YAML::Node& n, std::string_view what);
  std::optional<core::duration> duration(const YAML::Node& n, std::string_view what);
  /// A list of strings, or a single string taken as a one-element list.
  std::optional<std::vector<std::string>> strings(const YAML::Node& n, std::string_view what);

 private:
  void add(diagnostic::severity level, const YAML::Mark& at, std::string message);
  std::string file_;
  std::string node_;
  std::vector<diagnostic>& diags_;
};

/// The allowed word nearest to `word` within two edits, or empty.
std::string nearest(std::string_view word, const std::vector<std::string>& allowed);

}  // namespace tuki::dialog
