#pragma once
// Who works at an institution: `tuki staff import [--replace]` and `tuki staff deactivate`. Staff
// who leave are deactivated, never deleted (tickets and their history name them): routing passes
// over them, and the SLA pump hands their open tickets over (ticket_desk::run_sla). Logs carry
// staff ids, never emails. Store thread (or a CLI process), inside the caller's transaction.
#include <string>
#include <vector>

#include "tuki/adapters/store/sqlite_store.hpp"
#include "tuki/core/instant.hpp"
#include "tuki/core/staff_member.hpp"
#include "tuki/core/status.hpp"

namespace tuki::app {

struct staff_import_report {
  adapters::staff_stored stored;
  adapters::staff_deactivated deactivated;  // with `replace` only
};

/// Stores the institution's staff `rows` (parse_staff_csv): new, changed and deactivated ones
/// become active. With `replace`, the file is the whole staff: every active member of the
/// institution it does not list is deactivated (adapters::sqlite_store::deactivate_staff). A
/// replacing file that lists nobody is refused (invalid_argument): it would deactivate everyone.
core::result<staff_import_report> import_staff(adapters::sqlite_store& store,
                                               const std::string& institution_id,
                                               const std::vector<core::staff_member>& rows,
                                               bool replace, core::instant now);

/// Deactivates the institution's staff with these emails (any case); not_found naming every
/// email the institution has no staff member with, and nothing changed.
core::result<adapters::staff_deactivated> deactivate_staff(adapters::sqlite_store& store,
                                                           const std::string& institution_id,
                                                           const std::vector<std::string>& emails,
                                                           core::instant now);

}  // namespace tuki::app
