#pragma once
// Structured logs: one line per event, `ts=... level=... event=... key=value ...`, on stderr.
// Never pass message bodies or phone numbers: log ids (message_id, student_id, ticket_id).
// Thread-safety: lines from different threads do not interleave.
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace tuki::app {

enum class log_level { debug = 0, info = 1, warn = 2, error = 3 };

void set_log_level(log_level level);
log_level parse_log_level(std::string_view s);

using log_field = std::pair<std::string_view, std::string>;
/// One line as log() writes it, '\n' included. Keys and the event are tuki's own names; values
/// may be anything: one with a space, '=', '"', '\' or a control byte is quoted, its '"' and '\'
/// escaped and its control bytes written as \n, \r, \t or \xNN (0x1b: \x1b).
std::string log_line(std::string_view timestamp, log_level level, std::string_view event,
                     std::initializer_list<log_field> fields);
void log(log_level level, std::string_view event, std::initializer_list<log_field> fields = {});

inline void log_info(std::string_view event, std::initializer_list<log_field> f = {}) { log(log_level::info, event, f); }
inline void log_warn(std::string_view event, std::initializer_list<log_field> f = {}) { log(log_level::warn, event, f); }
inline void log_error(std::string_view event, std::initializer_list<log_field> f = {}) { log(log_level::error, event, f); }
inline void log_debug(std::string_view event, std::initializer_list<log_field> f = {}) { log(log_level::debug, event, f); }

}  // namespace tuki::app
