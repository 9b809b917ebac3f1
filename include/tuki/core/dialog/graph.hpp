#pragma once
// A dialog as a Graphviz DOT graph: nodes with their (base language) text, edges per category
// labelled with the matchers leading to it, dashed edges for the default fallback and timeouts,
// and the actions (tickets, scores) on the edge. Deterministic output.
#include <string>

#include "tuki/core/dialog/model.hpp"

namespace tuki::dialog {

std::string to_dot(const dialog& d);

}  // namespace tuki::dialog
