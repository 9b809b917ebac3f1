#pragma once
// The ticket categories a dialog opens tickets in, for `tuki dialogs check`: a category no
// routing rule names is routed to the fallback role, which is right for a new category and
// wrong for a typo ("studdies"), so each one is reported where the dialog opens it.
#include <set>
#include <string>
#include <vector>

#include "tuki/core/dialog/diagnostic.hpp"
#include "tuki/core/dialog/model.hpp"

namespace tuki::dialog {

struct ticket_category_use {
  std::string category;
  std::string node_id;
  source_location location;  // of the category of the node that opens the ticket
};

/// Every ticket a category of a node opens: `{ticket: {category: c}}`, or the category's own name
/// for `{ticket: {}}`. Tickets opened on entering a node take the category the student's reply
/// was given, known only at run time; those with an explicit category are listed too.
std::vector<ticket_category_use> ticket_categories(const dialog& d);

/// A warning for each use whose category is not in `routed` (with "did you mean" when one is
/// near).
std::vector<diagnostic> unrouted_ticket_categories(const dialog& d,
                                                   const std::set<std::string>& routed);

}  // namespace tuki::dialog
