#include "tuki/adapters/store/savepoint.hpp"

namespace tuki::adapters {

savepoint::savepoint(sqlite_connection& db, std::string name)
    : db_(db),
      name_(std::move(name)),
      begun_(db_.exec("SAVEPOINT " + name_)),
      open_(begun_),
      mark_(db_.after_commit_mark()) {}

savepoint::~savepoint() { rollback(); }

core::status savepoint::release() {
  if (!open_) return core::status::internal("savepoint " + name_ + " is not open");
  auto s = db_.exec("RELEASE " + name_);
  open_ = !s;
  // A savepoint begun outside a transaction was one: releasing it committed.
  if (s && !db_.in_transaction()) db_.run_after_commit();
  return s;
}

void savepoint::rollback() {
  if (!open_) return;
  // ROLLBACK TO undoes and keeps the savepoint open; RELEASE then ends it.
  (void)db_.exec("ROLLBACK TO " + name_);
  (void)db_.exec("RELEASE " + name_);
  db_.drop_after_commit(mark_);
  open_ = false;
}

}  // namespace tuki::adapters
