#pragma once
// The message for a YAML document that does not parse. yaml-cpp says what it found where it
// stopped ("end of map not found"), which is often a line below the mistake, and says nothing of
// tabs, which YAML does not allow in indentation. Every YAML loader of tuki puts this after the
// file:line:column of the exception's mark.
#include <string>
#include <string_view>

#include <yaml-cpp/exceptions.h>

namespace tuki::core {

/// "YAML syntax: <yaml-cpp's message>", then a hint: a tab in the indentation of the error's line
/// or of the nearest line with content above it, else (past the first line) where else to look.
std::string yaml_syntax_message(const YAML::Exception& e, std::string_view text);

}  // namespace tuki::core
