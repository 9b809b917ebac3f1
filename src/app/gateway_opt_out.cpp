#include "tuki/app/gateway_opt_out.hpp"

namespace tuki::app {

core::status apply_gateway_opt_out(adapters::sqlite_store& store, std::int64_t student_id,
                                   const std::string& gateway, const std::string& detail,
                                   core::instant now) {
  if (auto s = store.set_contact_state(student_id, true, std::nullopt, now); !s) return s;
  if (auto s = store.delete_session(student_id); !s) return s;
  return store.audit("gateway:" + gateway, "opt_out", "student:" + std::to_string(student_id),
                     detail, now);
}

}  // namespace tuki::app
