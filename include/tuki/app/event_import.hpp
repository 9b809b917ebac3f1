#pragma once
// Data events for triggers (`tuki events import F.csv`, `POST /v1/events`): every item is
// checked first, errors are reported per item (CSV: by line; JSON: by index), and nothing is
// stored when any item is wrong. An event is one student's `event` on one date: importing it
// again replaces its value (the last one wins), so a repeated import changes nothing.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "tuki/adapters/store/sqlite_store.hpp"
#include "tuki/core/status.hpp"

namespace tuki::app {

struct event_input {
  std::size_t where = 0;  // CSV line (1-based) or JSON index (0-based), for messages
  std::string student_ref;
  std::string event;
  std::string date;  // YYYY-MM-DD, institution-local (a CSV's D.M.YYYY is converted)
  double value = 1;
};

struct event_error {
  std::size_t where = 0;
  std::string reason;
};

/// Header `student_id,event,date,value` (value may be empty: 1). Read like the students and
/// staff files (csv_import_text.hpp): fields separated by ',' or, when the header has ';' and no
/// ',', by ';'. A file that is not UTF-8 is refused whole: the result is the error, naming the
/// line and column of the first bad byte with a Latin-1 hint. Dates may be YYYY-MM-DD or, as
/// spreadsheets write them in Finnish and other European locales, D.M.YYYY (`1.12.2026`; stored
/// as 2026-12-01); rows of separators only (`;;;`) are skipped like blank lines. Errors of rows
/// go to `errors`.
core::result<std::vector<event_input>> parse_events_csv(std::string_view text,
                                                        std::vector<event_error>& errors);
/// A JSON array of {student_id, event, date, value?}. Errors go to `errors` (index -1 = the body).
std::vector<event_input> parse_events_json(std::string_view body, std::vector<event_error>& errors);
/// Resolves the students (unknown ones are errors) and, only when `errors` stays empty, stores
/// every event (sqlite_store::add_events). Returns how many were added, updated and unchanged
/// (all zero when nothing was stored). Call inside a transaction.
core::result<adapters::events_stored> store_events(adapters::sqlite_store& store,
                                                   const std::string& institution_id,
                                                   const std::vector<event_input>& events,
                                                   std::vector<event_error>& errors,
                                                   core::instant now);

}  // namespace tuki::app
