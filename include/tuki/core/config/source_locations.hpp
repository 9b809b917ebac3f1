#pragma once
// Where the keys of one YAML map stand in their file, kept for checks that run after parsing:
// gateway drivers validate their own options (gateway_options.hpp) and name the line with this.
// Locations are "file:line:column" (1-based), by key path ("send.url"); "" is the map itself.
// A value that came from the environment keeps its text in the file ("${TUKI_DB}"), so that
// errors about it say where it came from, as yaml_errors' do.
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace tuki::config {

/// " (from <raw>)": ends an error about a value whose text in the file, `raw`, named it through
/// ${NAME} substitution (the file's line shows only the reference, not the value in error). A
/// password in a URL there is shown as "***" (redact_url), as in the error itself.
std::string substitution_note(std::string_view raw);

class source_locations {
 public:
  /// `raw`: the value's text in the file when ${NAME} substitution changed it, else empty.
  void add(std::string path, std::string where, std::string raw = {});
  /// Where `path` stands, else its nearest enclosing key that is known ("send.fields.to",
  /// "send.fields", "send", then ""); empty when nothing is known (e.g. options built in code).
  std::string find(std::string_view path) const;
  /// "<where>: <message>" (yaml_errors' style), or `message` alone when nothing is known; with
  /// substitution_note at the end when the value found there came from the environment.
  std::string locate(std::string_view path, std::string_view message) const;

 private:
  struct entry {
    std::string where;
    std::string raw;  // before ${NAME} substitution; empty when the file gave the value itself
  };
  const entry* nearest(std::string_view path) const;
  std::map<std::string, entry, std::less<>> entries_;
};

}  // namespace tuki::config
