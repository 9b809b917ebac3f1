#include "tuki/app/staff_roster.hpp"

#include <set>

#include "tuki/app/log.hpp"
#include "tuki/core/routing/staff_directory.hpp"

namespace tuki::app {
namespace {

std::string id_list(const std::vector<std::int64_t>& ids) {
  std::string out;
  for (auto id : ids) out += (out.empty() ? "" : ",") + std::to_string(id);
  return out;
}

// The log line and audit row of a deactivation: staff ids, no emails.
core::status record(adapters::sqlite_store& store, const std::string& institution_id,
                    const adapters::staff_deactivated& d, const std::string& how,
                    core::instant now) {
  if (d.ids.empty()) return core::status::ok();
  log_info("staff_deactivated", {{"institution", institution_id},
                                 {"staff_ids", id_list(d.ids)},
                                 {"by", how},
                                 {"tickets_to_hand_over", std::to_string(d.tickets_due)}});
  return store.audit("cli", "staff_deactivate", institution_id,
                     how + ": staff " + id_list(d.ids) + "; " + std::to_string(d.tickets_due) +
                         " open tickets to hand over",
                     now);
}

}  // namespace

core::result<staff_import_report> import_staff(adapters::sqlite_store& store,
                                               const std::string& institution_id,
                                               const std::vector<core::staff_member>& rows,
                                               bool replace, core::instant now) {
  if (replace && rows.empty())
    return core::status::invalid_argument(
        "the file lists nobody: --replace would deactivate every staff member of " +
        institution_id);
  staff_import_report out;
  auto stored = store.upsert_staff(rows);
  if (!stored) return stored.error();
  out.stored = *stored;
  if (!replace) return out;
  std::set<std::string> listed;
  for (const auto& m : rows) listed.insert(routing::normalize_email(m.email));
  std::vector<std::string> leaving;
  for (const auto& m : store.list_staff(institution_id))
    if (m.active && !listed.count(routing::normalize_email(m.email))) leaving.push_back(m.email);
  if (leaving.empty()) return out;
  auto d = store.deactivate_staff(institution_id, leaving, now);
  if (!d) return d.error();
  out.deactivated = std::move(*d);
  if (auto s = record(store, institution_id, out.deactivated, "import --replace", now); !s)
    return s;
  return out;
}

core::result<adapters::staff_deactivated> deactivate_staff(adapters::sqlite_store& store,
                                                           const std::string& institution_id,
                                                           const std::vector<std::string>& emails,
                                                           core::instant now) {
  auto d = store.deactivate_staff(institution_id, emails, now);
  if (!d) return d;
  if (auto s = record(store, institution_id, *d, "deactivate", now); !s) return s;
  return d;
}

}  // namespace tuki::app
