#pragma once
// Structural checks of a parsed YAML document that yaml-cpp does not make: it accepts a list or
// map as a key (and throws only when such a key is later read as a string), keeps every copy of
// a duplicate key (lookups return the first), passes invalid UTF-8 through unchanged and lets an
// alias refer to a node that contains it. Every YAML loader of tuki runs this check right after
// parsing, so that its readers only ever see plain, unique, UTF-8 keys and UTF-8 values.
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace tuki::core {

struct yaml_problem {
  YAML::Mark mark;   // where (0-based, as yaml-cpp counts); the offending key or value
  std::string path;  // the map or value it is in, "institutions[0].helpline"; empty at the top
  std::string what;  // "duplicate key 'sender' (first at line 4)"
};

/// Every problem of the document in document order; empty when it is sound. A key that is not a
/// valid name shows as '?' in the paths below it, so paths and messages are valid UTF-8 (safe to
/// put in JSON).
std::vector<yaml_problem> check_yaml_structure(const YAML::Node& root);

}  // namespace tuki::core
