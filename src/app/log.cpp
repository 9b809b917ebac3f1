#include "tuki/app/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>

#include <date/date.h>

#include "tuki/core/text/escaped_text.hpp"

namespace tuki::app {
namespace {

std::atomic<int> threshold{static_cast<int>(log_level::info)};
std::mutex out_mutex;

constexpr std::string_view names[] = {"debug", "info", "warn", "error"};

// Values come from untrusted places too (a gateway's header, a JWT's alg): quoted and escaped
// (core/text/escaped_text.hpp) when they hold a space, '=', a quote, a backslash or a control
// byte, so that no value can end the line or forge one.
void append_value(std::string& line, std::string_view v) {
  if (!v.empty() && v.find_first_of(" =") == std::string_view::npos && !core::needs_escaping(v)) {
    line += v;
    return;
  }
  line.push_back('"');
  core::append_escaped(line, v);
  line.push_back('"');
}

}  // namespace

void set_log_level(log_level level) { threshold = static_cast<int>(level); }

log_level parse_log_level(std::string_view s) {
  if (s == "debug") return log_level::debug;
  if (s == "warn") return log_level::warn;
  if (s == "error") return log_level::error;
  return log_level::info;
}

std::string log_line(std::string_view timestamp, log_level level, std::string_view event,
                     std::initializer_list<log_field> fields) {
  std::string line = "ts=" + std::string(timestamp) +
                     " level=" + std::string(names[static_cast<int>(level)]) +
                     " event=" + std::string(event);
  for (const auto& [k, v] : fields) {
    line += ' ';
    line += k;
    line += '=';
    append_value(line, v);
  }
  line += '\n';
  return line;
}

void log(log_level level, std::string_view event, std::initializer_list<log_field> fields) {
  if (static_cast<int>(level) < threshold) return;
  auto now = date::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  const std::string line = log_line(date::format("%FT%TZ", now), level, event, fields);
  std::lock_guard lock(out_mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace tuki::app
