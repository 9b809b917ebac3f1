#pragma once
// Students' phone numbers normalised (normalize_mobile_phone) in worker processes, for bulk
// imports. libphonenumber looks up every pattern in one shared cache behind one mutex, so threads
// of one process parse only 1.5-1.7 times as fast as one thread on two cores; separate processes
// share nothing and reach 1.88 times. Each worker is a fork()ed child that reads batches of raw
// numbers from a socket and writes back, in order, an E.164 number or the error text for each.
//
// Fork copies only the calling thread: start() must be called while the process has no other
// thread that could hold a lock the child needs (the import calls it before starting its own
// threads). A child touches nothing of its parent's (no store, no logs) and leaves with _exit.
// Thread-safety: normalize() for different workers from different threads; one caller per
// worker at a time.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tuki/core/status.hpp"

namespace tuki::adapters {

class phone_workers {
 public:
  /// Forks `count` workers (at least 1) that normalise numbers as dialled in `region`.
  static core::result<std::unique_ptr<phone_workers>> start(unsigned count, std::string region);
  /// Closes the pipes (each worker then exits) and waits for the workers.
  ~phone_workers();
  phone_workers(const phone_workers&) = delete;
  phone_workers& operator=(const phone_workers&) = delete;

  unsigned size() const { return static_cast<unsigned>(workers_.size()); }
  /// The worker's process id (for logs and tests).
  int pid(unsigned worker) const { return workers_.at(worker).pid; }
  /// normalize_mobile_phone(raw[i], region) for every i, computed by worker `worker`, in order. An
  /// error of the whole call means the worker is gone (its socket broke); the caller may fall back
  /// to normalize_mobile_phone in-process.
  core::result<std::vector<core::result<std::string>>> normalize(
      unsigned worker, const std::vector<std::string_view>& raw);

 private:
  struct worker {
    int pid = -1;
    int fd = -1;  // our end of the socket pair: requests out, answers in
  };
  phone_workers() = default;
  std::vector<worker> workers_;
};

}  // namespace tuki::adapters
