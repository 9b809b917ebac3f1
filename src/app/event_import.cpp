#include "tuki/app/event_import.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <nlohmann/json.hpp>

#include "tuki/app/csv_import_text.hpp"
#include "tuki/core/schedule/calendar_date.hpp"
#include "tuki/core/schedule/data_trigger.hpp"
#include "tuki/core/text/csv.hpp"

namespace tuki::app {
namespace {

std::string trim(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return std::string(s);
}

/// Checks one item; returns the reason it is wrong, or "".
std::string check(const event_input& e) {
  if (e.student_ref.empty()) return "student_id is empty";
  if (!schedule::valid_event_name(e.event))
    return "event '" + e.event + "' must be 1-64 characters of a-z, 0-9, _ or -";
  if (!schedule::parse_calendar_date(e.date))
    return "date '" + e.date + "' is not a valid YYYY-MM-DD date";
  if (!std::isfinite(e.value)) return "value is not a finite number";
  return "";
}

}  // namespace

core::result<std::vector<event_input>> parse_events_csv(std::string_view text,
                                                        std::vector<event_error>& errors) {
  if (auto st = check_csv_encoding(text); !st) return st;
  std::vector<event_input> out;
  auto reader = open_import_csv(text);
  // A ';'-separated file comes from a spreadsheet whose locale writes decimal commas ("0,5").
  const bool decimal_comma = core::guess_csv_delimiter(text) == ';';
  core::csv_row row;
  if (!reader.next(row)) {
    errors.push_back({1, reader.error().is_ok() ? "the file is empty; expected a header line"
                                                 : reader.error().message()});
    return out;
  }
  std::vector<std::string> header;
  for (auto& f : row.fields) header.push_back(trim(f));
  const std::vector<std::string> expected{"student_id", "event", "date", "value"};
  if (header.size() < 3 || header.size() > 4 ||
      !std::equal(header.begin(), header.end(), expected.begin())) {
    errors.push_back({row.line, "expected the header student_id,event,date,value"});
    return out;
  }
  while (next_import_row(reader, row)) {
    if (row.fields.size() < 3 || row.fields.size() > header.size()) {
      errors.push_back({row.line, "expected " + std::to_string(header.size()) + " fields, got " +
                                      std::to_string(row.fields.size())});
      continue;
    }
    event_input e;
    e.where = row.line;
    e.student_ref = trim(row.fields[0]);
    e.event = trim(row.fields[1]);
    e.date = trim(row.fields[2]);
    // A spreadsheet's 1.12.2026 is stored as 2026-12-01; a day that does not exist is refused here.
    if (auto d = import_date(e.date)) {
      e.date = std::move(*d);
    } else {
      errors.push_back({row.line, "date " + d.error().message()});
      continue;
    }
    if (row.fields.size() == 4 && !trim(row.fields[3]).empty()) {
      std::string v = trim(row.fields[3]);
      std::string number = v;
      if (decimal_comma && std::count(number.begin(), number.end(), ',') == 1 &&
          number.find('.') == std::string::npos)
        number[number.find(',')] = '.';
      auto [p, ec] = std::from_chars(number.data(), number.data() + number.size(), e.value);
      if (ec != std::errc() || p != number.data() + number.size()) {
        errors.push_back({row.line, "value '" + v + "' is not a number"});
        continue;
      }
    }
    if (auto why = check(e); !why.empty()) {
      errors.push_back({row.line, why});
      continue;
    }
    out.push_back(std::move(e));
  }
  if (!reader.error().is_ok()) errors.push_back({row.line, reader.error().message()});
  return out;
}

std::vector<event_input> parse_events_json(std::string_view body, std::vector<event_error>& errors) {
  std::vector<event_input> out;
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_array()) {
    errors.push_back({static_cast<std::size_t>(-1), "expected a JSON array of events"});
    return out;
  }
  for (std::size_t i = 0; i < j.size(); ++i) {
    const auto& item = j[i];
    if (!item.is_object()) {
      errors.push_back({i, "expected an object"});
      continue;
    }
    event_input e;
    e.where = i;
    std::string why;
    for (const auto& [k, v] : item.items()) {
      if (k == "student_id" && v.is_string()) e.student_ref = v.get<std::string>();
      else if (k == "event" && v.is_string()) e.event = v.get<std::string>();
      else if (k == "date" && v.is_string()) e.date = v.get<std::string>();
      else if (k == "value" && v.is_number()) e.value = v.get<double>();
      else if (k == "student_id" || k == "event" || k == "date" || k == "value")
        why = k + (k == "value" ? " must be a number" : " must be a string");
      else
        why = "unknown key '" + k + "'";
      if (!why.empty()) break;
    }
    if (why.empty()) why = check(e);
    if (!why.empty()) {
      errors.push_back({i, why});
      continue;
    }
    out.push_back(std::move(e));
  }
  return out;
}

core::result<adapters::events_stored> store_events(adapters::sqlite_store& store,
                                                   const std::string& institution_id,
                                                   const std::vector<event_input>& events,
                                                   std::vector<event_error>& errors,
                                                   core::instant now) {
  std::vector<adapters::event_row> rows;
  rows.reserve(events.size());
  // A day after tomorrow in UTC is after today in every zone: an event dated then has not
  // happened (a year typed wrong). Stored, it would fire a trigger now and, as the student's
  // last firing, keep the real events from firing until that day.
  const auto latest = date::floor<date::days>(now) + date::days{1};
  for (const auto& e : events) {
    if (auto ymd = schedule::parse_calendar_date(e.date); ymd && date::sys_days(*ymd) > latest) {
      errors.push_back({e.where, "date " + e.date + " is in the future: events are what happened"});
      continue;
    }
    auto id = store.student_id_by_ref(institution_id, e.student_ref);
    if (!id) {
      errors.push_back({e.where, "unknown student_id '" + e.student_ref + "'"});
      continue;
    }
    rows.push_back({*id, e.event, e.date, e.value});
  }
  if (!errors.empty()) return adapters::events_stored{};
  return store.add_events(institution_id, rows, now);
}

}  // namespace tuki::app
