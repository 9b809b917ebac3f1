#pragma once
// A located finding of the dialog/lexicon loader or validator.
#include <string>
#include <vector>

namespace tuki::dialog {

struct diagnostic {
  enum class severity { error, warning };
  severity level = severity::error;
  std::string file;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based; 0 when unknown
  std::string node_id;  // dialog node the finding is about, or empty
  std::string message;

  /// "dialogs/x.yaml:12:7: error: node q1: unknown next node 'q9'"
  std::string to_string() const;
};

bool has_errors(const std::vector<diagnostic>& diags);
/// All diagnostics, one per line, in to_string() form.
std::string join(const std::vector<diagnostic>& diags);

}  // namespace tuki::dialog
