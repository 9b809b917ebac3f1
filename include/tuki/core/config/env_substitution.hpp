#pragma once
// ${NAME} and ${NAME:-default} in configuration values, so secrets stay out of files.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "tuki/core/status.hpp"

namespace tuki::config {

/// Looks an environment variable up; nullopt when unset. Injected so tests need no real env.
using env_lookup = std::function<std::optional<std::string>(const std::string&)>;

/// The process environment (getenv).
env_lookup process_env();

/// Replaces every ${NAME} / ${NAME:-default} in `value`. `$$` stands for a literal `$`.
/// An unset variable without a default (or set but empty, for `:-`, which takes the default) is
/// an error naming the variable; so is an unterminated `${`.
core::result<std::string> substitute_env(std::string_view value, const env_lookup& env);

}  // namespace tuki::config
