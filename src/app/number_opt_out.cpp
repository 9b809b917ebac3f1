#include "tuki/app/number_opt_out.hpp"

#include "tuki/app/log.hpp"

namespace tuki::app {

core::result<number_contact_change> set_number_contact(adapters::sqlite_store& store,
                                                       const std::string& number, bool opted_out,
                                                       core::instant now) {
  number_contact_change out;
  out.was_opted_out = store.number_opted_out(number);
  const std::string action = opted_out ? "opt_out" : "opt_in";
  std::string ids;
  for (const auto& s : store.find_students_by_phone(number)) {
    out.students.push_back(s.id);
    ids += (ids.empty() ? "" : ",") + std::to_string(s.id);
    // As STOP and START: either ends a pause (a PAUSE after STOP kept the opt-out).
    if (opted_out || s.opted_out || s.paused_until)
      if (auto st = store.set_contact_state(s.id, opted_out, std::nullopt, now); !st) return st;
    if (opted_out)
      if (auto st = store.delete_session(s.id); !st) return st;
    if (auto st = store.audit("cli", action, "student:" + std::to_string(s.id), "operator", now);
        !st)
      return st;
  }
  // The list itself, also for a number no student holds yet.
  if (auto st = store.set_number_opted_out(number, opted_out, now); !st) return st;
  const std::string detail = std::to_string(out.students.size()) + " students" +
                             (out.was_opted_out == opted_out ? "; no change to the list" : "");
  if (auto st =
          store.audit("cli", action + "_number", ids.empty() ? "" : "students:" + ids, detail, now);
      !st)
    return st;
  log_info(opted_out ? "number_opted_out" : "number_opted_in",
           {{"by", "cli"},
            {"student_ids", ids},
            {"was_opted_out", out.was_opted_out ? "true" : "false"}});
  return out;
}

}  // namespace tuki::app
