#include "tuki/core/yaml_structure.hpp"

#include <cstdio>
#include <map>
#include <set>
#include <utility>

#include "tuki/core/text/utf8_validity.hpp"

namespace tuki::core {
namespace {

// Why `s` is not valid UTF-8 ("byte 0xFF at offset 6"), or empty when it is.
std::string utf8_fault(std::string_view s) {
  std::size_t valid = valid_utf8_prefix(s);
  if (valid == s.size()) return {};
  char buf[48];
  std::snprintf(buf, sizeof buf, "byte 0x%02X at offset %zu",
                static_cast<unsigned>(static_cast<unsigned char>(s[valid])), valid);
  return buf;
}

std::string_view kind_name(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Sequence: return "a list";
    default: return "null";
  }
}

class structure_walk {
 public:
  std::vector<yaml_problem> take() { return std::move(problems_); }

  void walk(const YAML::Node& n, const std::string& path) {
    if (n.IsScalar()) {
      if (auto fault = utf8_fault(n.Scalar()); !fault.empty())
        add(n.Mark(), path, "invalid UTF-8 in text (" + fault + ")");
      return;
    }
    if (!n.IsMap() && !n.IsSequence()) return;
    // An alias makes one node appear in several places; walk it once. Collections are told apart
    // by where they start (two can start at one place only when one is a key, never walked).
    const std::pair<int, int> id{n.Mark().pos, static_cast<int>(n.Type())};
    if (open_.count(id)) {
      add(n.Mark(), path, "an alias must not refer to a node that contains it");
      return;
    }
    if (!done_.insert(id).second) return;
    open_.insert(id);
    if (n.IsSequence()) {
      for (std::size_t i = 0; i < n.size(); ++i) walk(n[i], path + "[" + std::to_string(i) + "]");
    } else {
      walk_map(n, path);
    }
    open_.erase(id);
  }

 private:
  void walk_map(const YAML::Node& n, const std::string& path) {
    std::map<std::string, int> first_line;
    for (auto it = n.begin(); it != n.end(); ++it) {
      const YAML::Node key = it->first;
      std::string name = "?";
      if (!key.IsScalar()) {
        add(key.Mark(), path, "keys must be plain names, found " + std::string(kind_name(key)));
      } else if (auto fault = utf8_fault(key.Scalar()); !fault.empty()) {
        add(key.Mark(), path, "invalid UTF-8 in a key (" + fault + ")");
      } else {
        name = key.Scalar();
        auto [first, fresh] = first_line.emplace(name, key.Mark().line + 1);
        if (!fresh)
          add(key.Mark(), path,
              "duplicate key '" + name + "' (first at line " + std::to_string(first->second) + ")");
      }
      walk(it->second, path.empty() ? name : path + "." + name);
    }
  }

  void add(const YAML::Mark& mark, const std::string& path, std::string what) {
    problems_.push_back({mark, path, std::move(what)});
  }

  std::vector<yaml_problem> problems_;
  std::set<std::pair<int, int>> open_;  // collections being walked (an alias to one is a cycle)
  std::set<std::pair<int, int>> done_;  // collections walked
};

}  // namespace

std::vector<yaml_problem> check_yaml_structure(const YAML::Node& root) {
  structure_walk w;
  w.walk(root, "");
  return w.take();
}

}  // namespace tuki::core
