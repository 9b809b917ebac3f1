#include "tuki/core/text/csv.hpp"

namespace tuki::core {

namespace {
constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";
}  // namespace

char guess_csv_delimiter(std::string_view text) {
  if (text.starts_with(utf8_bom)) text.remove_prefix(utf8_bom.size());
  bool quoted = false, semicolon = false;
  for (char c : text) {
    if (c == '"') quoted = !quoted;  // "" inside quotes toggles twice: no change
    else if (quoted) continue;
    else if (c == '\n' || c == '\r') break;
    else if (c == ',') return ',';
    else if (c == ';') semicolon = true;
  }
  return semicolon ? ';' : ',';
}

csv_reader::csv_reader(std::string_view text, char delimiter) : text_(text), delimiter_(delimiter) {
  if (text_.starts_with(utf8_bom)) pos_ = utf8_bom.size();
}

bool csv_reader::next(csv_row& row) {
  row.fields.clear();
  // Skip blank lines between rows.
  while (pos_ < text_.size() && (text_[pos_] == '\n' || text_[pos_] == '\r')) {
    if (text_[pos_] == '\n') ++line_;
    ++pos_;
  }
  if (pos_ >= text_.size()) return false;
  row.line = line_;
  std::string field;
  bool quoted = false, after_quote = false;
  while (true) {
    if (pos_ >= text_.size()) {
      if (quoted) {
        error_ = status::invalid_argument("line " + std::to_string(row.line) + ": unterminated quoted field");
        return false;
      }
      row.fields.push_back(std::move(field));
      return true;
    }
    char c = text_[pos_++];
    if (quoted) {
      if (c == '"') {
        if (pos_ < text_.size() && text_[pos_] == '"') {
          field.push_back('"');
          ++pos_;
        } else {
          quoted = false;
          after_quote = true;
        }
      } else {
        if (c == '\n') ++line_;
        field.push_back(c);
      }
      continue;
    }
    if (c == delimiter_) {
      row.fields.push_back(std::move(field));
      field.clear();
      after_quote = false;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
      ++line_;
      row.fields.push_back(std::move(field));
      return true;
    } else if (c == '"' && field.empty() && !after_quote) {
      quoted = true;
    } else if (after_quote) {
      error_ = status::invalid_argument("line " + std::to_string(line_) +
                                        ": text after a closing quote");
      return false;
    } else {
      field.push_back(c);
    }
  }
}

}  // namespace tuki::core
