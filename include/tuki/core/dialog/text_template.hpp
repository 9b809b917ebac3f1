#pragma once
// Message templates: "Hi {first_name}!" split at load into literal and placeholder parts, so
// rendering is one pass without parsing. A placeholder the caller does not know is left as
// written ("{staff_role}" is filled by the app after routing); the loader refuses names tuki
// never fills (placeholders.hpp).
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tuki::dialog {

/// Whether `name` is a placeholder name: one or more of a-z, A-Z, 0-9 and _. Only "{name}" with
/// such a name is a placeholder; any other brace is literal text (there is no escape).
bool is_placeholder_name(std::string_view name);

class text_template {
 public:
  text_template() = default;
  explicit text_template(std::string source);
  const std::string& source() const { return source_; }
  /// The names of the placeholders, in order of appearance ("first_name" for "{first_name}").
  std::vector<std::string> placeholders() const;
  /// `lookup(name)` returns the value of {name}, or nullopt to leave "{name}" as is.
  std::string render(
      const std::function<std::optional<std::string_view>(std::string_view)>& lookup) const;
  /// Like render, without a std::function per placeholder (the engine's hot path). `lookup` is
  /// any callable from std::string_view to std::optional<std::string_view>.
  template <class Lookup>
  std::string render_with(Lookup&& lookup) const {
    std::string out;
    out.reserve(source_.size() + 16);
    for (const auto& p : parts_) {
      if (!p.placeholder) {
        out += p.text;
      } else if (std::optional<std::string_view> v = lookup(std::string_view(p.text))) {
        out += *v;
      } else {
        out += '{';
        out += p.text;
        out += '}';
      }
    }
    return out;
  }

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
  /// by_language resolved once at load against the dialog's languages, so that a step picks its
  /// text by index instead of by string: [i] is the text in languages[i], else in the base
  /// language, else nullopt. Empty when not resolved (a text built by hand): use find().
  std::vector<std::optional<text_template>> by_language_id;
  int line = 0, column = 0;  // where the text map starts, for translation warnings
  bool empty() const { return by_language.empty(); }
  /// The text in `language`, else in `base`, else nullptr.
  const text_template* find(const std::string& language, const std::string& base) const;
  /// Fills by_language_id for `languages` (the dialog's, `base` among them).
  void resolve(const std::vector<std::string>& languages, const std::string& base);
  /// The text for languages[language_id] (as resolve() was given), falling back to `language`
  /// and `base` through find() when not resolved.
  const text_template* find(std::size_t language_id, const std::string& language,
                            const std::string& base) const {
    if (language_id < by_language_id.size()) {
      const auto& t = by_language_id[language_id];
      return t ? &*t : nullptr;
    }
    return find(language, base);
  }
};

}  // namespace tuki::dialog
