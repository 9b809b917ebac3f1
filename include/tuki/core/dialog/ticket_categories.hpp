#pragma once
// The ticket categories a dialog opens tickets in, for `tuki dialogs check`: a category no
// routing rule names is routed to the fallback role, which is right for a new category and
// wrong for a typo ("studdies"), so each one is reported where the dialog opens it.
#include <map>
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

/// What one routing (the built-in one, or an institution's) does with ticket categories.
struct routed_categories {
  /// Named in warnings when several routings are checked ("institution 'varia'"); "" for one.
  std::string name;
  /// Categories a rule without conditions takes: every ticket of them is routed.
  std::set<std::string> always;
  /// Categories only rules with conditions (campus, group, urgency, ...) take, each with where
  /// its first such rule is: tickets the conditions leave out go to the fallback role.
  std::map<std::string, std::string> only_when;
};

/// A warning for each use whose category some routing does not take at all (with "did you mean"
/// when one of its categories is near), and one for each use whose category some routing takes
/// only under conditions. Each warning names the routings it is about when there are several.
std::vector<diagnostic> unrouted_ticket_categories(const dialog& d,
                                                   const std::vector<routed_categories>& routings);

}  // namespace tuki::dialog
