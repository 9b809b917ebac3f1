#include "tuki/core/dialog/text_template.hpp"

namespace tuki::dialog {

bool is_placeholder_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
      return false;
  return true;
}

text_template::text_template(std::string source) : source_(std::move(source)) {
  std::size_t i = 0;
  while (i < source_.size()) {
    std::size_t open = source_.find('{', i);
    std::size_t close = open == std::string::npos ? open : source_.find('}', open + 1);
    bool name_ok =
        close != std::string::npos &&
        is_placeholder_name(std::string_view(source_).substr(open + 1, close - open - 1));
    if (open == std::string::npos || !name_ok) {
      std::size_t stop = open == std::string::npos ? source_.size() : open + 1;
      if (!parts_.empty() && !parts_.back().placeholder)
        parts_.back().text += source_.substr(i, stop - i);
      else
        parts_.push_back({false, source_.substr(i, stop - i)});
      i = stop;
      continue;
    }
    if (open > i) {
      if (!parts_.empty() && !parts_.back().placeholder)
        parts_.back().text += source_.substr(i, open - i);
      else
        parts_.push_back({false, source_.substr(i, open - i)});
    }
    parts_.push_back({true, source_.substr(open + 1, close - open - 1)});
    i = close + 1;
  }
}

std::vector<std::string> text_template::placeholders() const {
  std::vector<std::string> out;
  for (const auto& p : parts_)
    if (p.placeholder) out.push_back(p.text);
  return out;
}

std::string text_template::render(
    const std::function<std::optional<std::string_view>(std::string_view)>& lookup) const {
  return render_with(lookup);
}

const text_template* localized_text::find(const std::string& language,
                                          const std::string& base) const {
  if (auto it = by_language.find(language); it != by_language.end()) return &it->second;
  if (auto it = by_language.find(base); it != by_language.end()) return &it->second;
  return nullptr;
}

void localized_text::resolve(const std::vector<std::string>& languages, const std::string& base) {
  by_language_id.clear();
  by_language_id.reserve(languages.size());
  for (const auto& l : languages) {
    const text_template* t = find(l, base);
    by_language_id.push_back(t ? std::optional<text_template>(*t) : std::nullopt);
  }
}

}  // namespace tuki::dialog
