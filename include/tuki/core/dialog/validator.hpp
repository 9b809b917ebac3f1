#pragma once
// Whole-dialog checks that need the complete model: unknown next nodes and categories, missing
// defaults, unreachable nodes, cycles without a wait, missing translations (warnings).
#include <vector>

#include "tuki/core/dialog/diagnostic.hpp"
#include "tuki/core/dialog/model.hpp"

namespace tuki::dialog {

/// Appends findings to `diags`, each located in `d.file`.
void validate(const dialog& d, std::vector<diagnostic>& diags);

}  // namespace tuki::dialog
