#pragma once
// "Did you mean ...?" for a misspelt name: the allowed word nearest to what was written. Used by
// the dialog and lexicon loaders and the configuration reader. Pure.
#include <string>
#include <string_view>
#include <vector>

namespace tuki::core {

/// The allowed word nearest to `word` within two edits (insertions, deletions, substitutions),
/// else the only allowed word that begins with it (4 letters or more: "remind" for
/// "remind_after"), else empty.
std::string nearest_word(std::string_view word, const std::vector<std::string>& allowed);

}  // namespace tuki::core
