#pragma once
// Dialog YAML -> model, with every problem located (file:line:column, node id). Loading runs the
// validator too; a dialog with errors is not returned. Exceptions never escape.
#include <memory>
#include <string>
#include <vector>

#include "tuki/core/dialog/diagnostic.hpp"
#include "tuki/core/dialog/lexicon_sets.hpp"
#include "tuki/core/dialog/model.hpp"

namespace tuki::dialog {

/// The lexicon folded both ways; a dialog picks one by its accent_folding setting.
struct folded_lexicons {
  std::shared_ptr<const lexicon_sets> accent_folded;
  std::shared_ptr<const lexicon_sets> accent_kept;
};
folded_lexicons fold_lexicons(const lexicon& lex);

/// Parses and validates one dialog file's text; `file` names it in diagnostics. Returns nullptr
/// when any error was found (all are appended to `diags`, warnings too).
std::shared_ptr<const dialog> load_dialog(const std::string& text, const std::string& file,
                                          const folded_lexicons& lexicons,
                                          std::vector<diagnostic>& diags);

/// The version of a dialog file: 16 hex digits of FNV-1a 64 over its bytes.
std::string content_version(const std::string& text);

}  // namespace tuki::dialog
