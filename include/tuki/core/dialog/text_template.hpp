#pragma once
// Message templates: "Hi {first_name}!" split at load into literal and placeholder parts, so
// rendering is one pass without parsing. A placeholder the caller does not know is left as
// written ("{staff_role}" is filled by the app after routing).
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tuki::dialog {

class text_template {
 public:
  text_template() = default;
  explicit text_template(std::string source);
  const std::string& source() const { return source_; }
  /// `lookup(name)` returns the value of {name}, or nullopt to leave "{name}" as is.
  std::string render(
      const std::function<std::optional<std::string_view>(std::string_view)>& lookup) const;

 private:
  struct part {
    bool placeholder = false;
    std::string text;  // literal text, or the placeholder's name
  };
  std::string source_;
  std::vector<part> parts_;
};

/// One text in several languages.
struct localized_text {
  std::map<std::string, text_template> by_language;
  int line = 0, column = 0;  // where the text map starts, for translation warnings
  bool empty() const { return by_language.empty(); }
  /// The text in `language`, else in `base`, else nullptr.
  const text_template* find(const std::string& language, const std::string& base) const;
};

}  // namespace tuki::dialog
