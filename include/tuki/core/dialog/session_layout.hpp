#pragma once
// The fast way in for a stored session: text laid out exactly as session::to_text writes it (the
// keys in their order, no whitespace, no escapes) is read straight into the session, without a
// JSON parser. session::from_text tries it first and gives anything else (an operator's edit, an
// escaped character, a key a later version added, a mistake) to its full JSON reader, which
// accepts every valid JSON form and names what is wrong.
#include <string_view>

#include "tuki/core/dialog/session.hpp"

namespace tuki::dialog {

/// True when `text` has to_text's exact layout and valid values; `out` then holds the session.
/// False otherwise (`out` is then unspecified), never an error of its own.
bool read_written_layout(std::string_view text, session& out);

}  // namespace tuki::dialog
