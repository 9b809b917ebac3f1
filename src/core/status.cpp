#include "tuki/core/status.hpp"

namespace tuki::core {

std::string_view code_name(status::code c) {
  switch (c) {
    case status::code::ok: return "ok";
    case status::code::invalid_argument: return "invalid_argument";
    case status::code::not_found: return "not_found";
    case status::code::already_exists: return "already_exists";
    case status::code::unauthenticated: return "unauthenticated";
    case status::code::permission_denied: return "permission_denied";
    case status::code::unavailable: return "unavailable";
    case status::code::io_error: return "io_error";
    case status::code::internal: return "internal";
  }
  return "unknown";
}

std::string status::to_string() const {
  if (is_ok()) return "ok";
  return std::string(code_name(code_)) + ": " + message_;
}

}  // namespace tuki::core
