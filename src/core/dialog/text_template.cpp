#include "tuki/core/dialog/text_template.hpp"

namespace tuki::dialog {

text_template::text_template(std::string source) : source_(std::move(source)) {
  std::size_t i = 0;
  while (i < source_.size()) {
    std::size_t open = source_.find('{', i);
    std::size_t close = open == std::string::npos ? open : source_.find('}', open + 1);
    bool name_ok = close != std::string::npos && close > open + 1;
    for (std::size_t k = open + 1; name_ok && k < close; ++k) {
      char c = source_[k];
      name_ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '_';
    }
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

std::string text_template::render(
    const std::function<std::optional<std::string_view>(std::string_view)>& lookup) const {
  std::string out;
  out.reserve(source_.size() + 16);
  for (const auto& p : parts_) {
    if (!p.placeholder) {
      out += p.text;
      continue;
    }
    if (auto v = lookup(p.text)) {
      out += *v;
    } else {
      out += '{';
      out += p.text;
      out += '}';
    }
  }
  return out;
}

const text_template* localized_text::find(const std::string& language,
                                          const std::string& base) const {
  if (auto it = by_language.find(language); it != by_language.end()) return &it->second;
  if (auto it = by_language.find(base); it != by_language.end()) return &it->second;
  return nullptr;
}

}  // namespace tuki::dialog
