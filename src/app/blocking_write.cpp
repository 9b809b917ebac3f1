#include "tuki/app/blocking_write.hpp"

#include <algorithm>
#include <future>
#include <thread>

#include "tuki/app/log.hpp"

namespace tuki::app {

core::status run_job(write_queue& q, write_queue::job j) {
  std::promise<core::status> p;
  q.submit(std::move(j), [&p](core::status s) { p.set_value(std::move(s)); });
  return p.get_future().get();
}

core::status run_job_until_stored(write_queue& q, const write_queue::job& j,
                                  const std::atomic<bool>& stopping, const std::string& event,
                                  std::chrono::milliseconds first_delay) {
  auto delay = first_delay;
  for (int attempt = 1;; ++attempt) {
    auto st = run_job(q, j);
    if (st) return st;
    const bool stop = stopping.load();
    log_error(event, {{"error", st.message()},
                      {"attempt", std::to_string(attempt)},
                      {"next", stop ? "left to start-up" : "retry"}});
    if (stop) return st;
    // In slices, so that a stop is not held up by the wait.
    for (auto waited = std::chrono::milliseconds(0); waited < delay && !stopping.load();
         waited += std::chrono::milliseconds(50))
      std::this_thread::sleep_for(std::min(delay - waited, std::chrono::milliseconds(50)));
    delay = std::min<std::chrono::milliseconds>(delay * 2, std::chrono::seconds(5));
  }
}

}  // namespace tuki::app
