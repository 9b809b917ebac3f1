#pragma once
// The placeholders tuki fills in texts, so that the loader can refuse the others: a "{frist_name}"
// would reach students as written. Dialog texts: {first_name} and {helpline} (the engine),
// {staff_role} (the app, with the role of a ticket opened in the same step). Lexicon replies
// (dialogs/lang/<lang>.yaml replies:) each have their own set; see reply_placeholders().
#include <string>
#include <string_view>
#include <vector>

#include "tuki/core/dialog/text_template.hpp"

namespace tuki::dialog {

/// The placeholders of dialog texts (text, reminder, hint, send): first_name, helpline,
/// staff_role.
const std::vector<std::string>& dialog_placeholders();
/// The placeholders of the lexicon reply `key`: ticket_seen {staff_role}; pause {helpline} and
/// {paused_until}; the others (stop, start, help, crisis, ...) {helpline}.
const std::vector<std::string>& reply_placeholders(std::string_view key);

/// One message per placeholder of `t` that is not in `known`, e.g. "unknown placeholder
/// {frist_name} (did you mean {first_name}?); known placeholders: {first_name}, {helpline},
/// {staff_role}". Empty when every placeholder is known.
std::vector<std::string> unknown_placeholders(const text_template& t,
                                              const std::vector<std::string>& known);

/// One message per brace of `text` that is not part of a placeholder "{name}"
/// (is_placeholder_name): "{first name}", "{}", a '{' never closed, a '}' that closes nothing.
/// text_template would send such braces as written, and there is no escape for a literal brace.
/// Positions are 1-based characters (code points) of `text`, e.g. "'{' at character 5 is never
/// closed: '{first_name!' (tuki has no escape for a literal brace)". Empty when there is none.
std::vector<std::string> malformed_placeholders(std::string_view text);

/// What the loader reports for a text: malformed_placeholders(t.source()), then
/// unknown_placeholders(t, known).
std::vector<std::string> placeholder_errors(const text_template& t,
                                            const std::vector<std::string>& known);

}  // namespace tuki::dialog
