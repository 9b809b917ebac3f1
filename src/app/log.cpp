#include "tuki/app/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>

#include <date/date.h>

namespace tuki::app {
namespace {

std::atomic<int> threshold{static_cast<int>(log_level::info)};
std::mutex out_mutex;

constexpr std::string_view names[] = {"debug", "info", "warn", "error"};

void append_value(std::string& line, const std::string& v) {
  bool quote = v.empty() || v.find_first_of(" \"=\n") != std::string::npos;
  if (!quote) {
    line += v;
    return;
  }
  line.push_back('"');
  for (char c : v) {
    if (c == '"' || c == '\\') line.push_back('\\');
    line.push_back(c == '\n' ? ' ' : c);
  }
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

void log(log_level level, std::string_view event, std::initializer_list<log_field> fields) {
  if (static_cast<int>(level) < threshold) return;
  auto now = date::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  std::string line = "ts=" + date::format("%FT%TZ", now) + " level=" + std::string(names[static_cast<int>(level)]) +
                     " event=" + std::string(event);
  for (const auto& [k, v] : fields) {
    line += ' ';
    line += k;
    line += '=';
    append_value(line, v);
  }
  line += '\n';
  std::lock_guard lock(out_mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace tuki::app
