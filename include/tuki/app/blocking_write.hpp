#pragma once
// Writes from the worker threads that block (the mail and webhook workers): a job run on the
// store thread, waited for.
#include <atomic>
#include <chrono>
#include <string>

#include "tuki/app/write_queue.hpp"
#include "tuki/core/status.hpp"

namespace tuki::app {

/// Runs `j` on the store thread and waits until it is reported (durable or failed).
core::status run_job(write_queue& q, write_queue::job j);

/// Runs `j` until it is stored. A failed store (a full disk, an I/O error) is run again, after
/// `first_delay`, doubling up to 5 s; each failure is logged as `event` (an error). Only
/// `stopping` ends the tries early (a wait is cut short by it): what the job would have stored
/// is then left to start-up (a claimed outbox job still `running` is queued again there).
/// Without this, a job whose outcome could not be stored stayed `running`, sent by nobody,
/// until the next restart. A failure is usually rolled back, but not always: with
/// `store.synchronous: full` a failed fsync fails jobs that were committed. So the job must be
/// one that may run again after either (an outbox job's store starts with
/// sqlite_store::job_running: an outcome already stored is not stored twice).
core::status run_job_until_stored(
    write_queue& q, const write_queue::job& j, const std::atomic<bool>& stopping,
    const std::string& event,
    std::chrono::milliseconds first_delay = std::chrono::milliseconds(100));

}  // namespace tuki::app
