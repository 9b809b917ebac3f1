#pragma once
// Where the keys of one YAML map stand in their file, kept for checks that run after parsing:
// gateway drivers validate their own options (gateway_options.hpp) and name the line with this.
// Locations are "file:line:column" (1-based), by key path ("send.url"); "" is the map itself.
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace tuki::config {

class source_locations {
 public:
  void add(std::string path, std::string where);
  /// Where `path` stands, else its nearest enclosing key that is known ("send.fields.to",
  /// "send.fields", "send", then ""); empty when nothing is known (e.g. options built in code).
  std::string find(std::string_view path) const;
  /// "<where>: <message>" (yaml_errors' style), or `message` alone when nothing is known.
  std::string locate(std::string_view path, std::string_view message) const;

 private:
  std::map<std::string, std::string, std::less<>> where_;
};

}  // namespace tuki::config
