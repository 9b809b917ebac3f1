#pragma once
// status and result<T>: the error currency of tuki (after leveldb's Status).
// A status is cheap when OK (no allocation). Codes say what a caller can do about the error:
// `unavailable` is retryable (a gateway or mail server is down), the others are not.
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace tuki::core {

class [[nodiscard]] status {
 public:
  enum class code { ok, invalid_argument, not_found, already_exists, unauthenticated,
                    permission_denied, unavailable, io_error, internal };

  status() = default;
  static status ok() { return {}; }
  static status invalid_argument(std::string msg) { return {code::invalid_argument, std::move(msg)}; }
  static status not_found(std::string msg) { return {code::not_found, std::move(msg)}; }
  static status already_exists(std::string msg) { return {code::already_exists, std::move(msg)}; }
  static status unauthenticated(std::string msg) { return {code::unauthenticated, std::move(msg)}; }
  static status permission_denied(std::string msg) { return {code::permission_denied, std::move(msg)}; }
  static status unavailable(std::string msg) { return {code::unavailable, std::move(msg)}; }
  static status io_error(std::string msg) { return {code::io_error, std::move(msg)}; }
  static status internal(std::string msg) { return {code::internal, std::move(msg)}; }

  bool is_ok() const { return code_ == code::ok; }
  explicit operator bool() const { return is_ok(); }
  code error_code() const { return code_; }
  const std::string& message() const { return message_; }
  /// "invalid_argument: row 3: bad phone" style text for logs and CLI output.
  std::string to_string() const;

 private:
  status(code c, std::string m) : code_(c), message_(std::move(m)) {}
  code code_ = code::ok;
  std::string message_;
};

std::string_view code_name(status::code c);

/// A value or the status that explains why there is none.
template <class T>
class [[nodiscard]] result {
 public:
  result(T value) : v_(std::move(value)) {}          // NOLINT: implicit by design
  result(status error) : v_(std::move(error)) {}     // NOLINT: must not be ok()
  bool is_ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return is_ok(); }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  /// The error; ok() when there is a value.
  status error() const { return is_ok() ? status::ok() : std::get<status>(v_); }

 private:
  std::variant<T, status> v_;
};

}  // namespace tuki::core
