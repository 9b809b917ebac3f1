#include "tuki/app/csv_import_text.hpp"

#include <algorithm>
#include <cstdio>

#include "tuki/core/schedule/calendar_date.hpp"
#include "tuki/core/text/utf8_repair.hpp"
#include "tuki/core/text/utf8_validity.hpp"

namespace tuki::app {
namespace {

constexpr std::string_view bom = "\xEF\xBB\xBF";

bool starts_utf16(std::string_view text) {
  return text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF");
}

// The field around byte `at` of its line, as Latin-1 would read it ("Mäkinen"), for the message.
std::string latin1_word(std::string_view text, std::size_t at) {
  auto stop = [](char c) { return c == ',' || c == ';' || c == '\n' || c == '\r' || c == '"'; };
  std::size_t from = at, to = at;
  while (from > 0 && at - from < 30 && !stop(text[from - 1])) --from;
  while (to < text.size() && to - at < 30 && !stop(text[to])) ++to;
  return core::latin1_to_utf8(text.substr(from, to - from));
}

}  // namespace

core::status check_csv_encoding(std::string_view text) {
  if (starts_utf16(text))
    return core::status::invalid_argument(
        "the file is UTF-16 (it starts with a UTF-16 byte order mark), not UTF-8: save it as "
        "\"CSV UTF-8\" (Excel: File > Save As > CSV UTF-8); nothing imported");
  if (text.starts_with(bom)) text.remove_prefix(bom.size());
  auto fault = core::find_utf8_fault(text);
  if (!fault) return core::status::ok();
  char byte[8];
  std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned>(fault->byte));
  return core::status::invalid_argument(
      "line " + std::to_string(fault->line) + ", column " + std::to_string(fault->column) +
      ": byte " + byte + " is not UTF-8; the file looks like Latin-1/Windows-1252 (read so, it says '" +
      latin1_word(text, fault->offset) +
      "'): save it as UTF-8 (Excel: File > Save As > \"CSV UTF-8\"; LibreOffice: character set "
      "Unicode (UTF-8)); nothing imported");
}

core::csv_reader open_import_csv(std::string_view text) {
  return core::csv_reader(text, core::guess_csv_delimiter(text));
}

bool next_import_row(core::csv_reader& reader, core::csv_row& row) {
  auto blank = [](const std::string& cell) {
    return cell.find_first_not_of(" \t\r") == std::string::npos;
  };
  while (reader.next(row))
    if (!std::all_of(row.fields.begin(), row.fields.end(), blank)) return true;
  return false;
}

core::result<std::string> import_date(std::string_view cell) {
  auto ymd = schedule::parse_calendar_date(cell);
  if (!ymd) ymd = schedule::parse_day_month_year(cell);
  if (!ymd)
    return core::status::invalid_argument(
        "'" + std::string(cell) + "' is not a date (YYYY-MM-DD or D.M.YYYY, a day that exists)");
  return schedule::calendar_date_text(*ymd);
}

}  // namespace tuki::app
