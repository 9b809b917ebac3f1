// The timer pump (io thread): once a second, fires the dialog timers that are due (reminders,
// timeouts, expiry) in one write job. A timer is deleted in the same transaction as the step it
// causes, so a crash neither loses nor repeats it. Each timer's step runs in a savepoint of its
// own (timer_round.hpp): one that fails is logged, undone alone and tried again later, backing
// off, while the other timers fire. A reminder due in the student's quiet hours is stored again
// for the next allowed moment instead (send_window.hpp).
#include "tuki/app/async_write.hpp"
#include "tuki/app/log.hpp"
#include "tuki/app/service.hpp"
#include "tuki/app/timer_round.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace tuki::app {

namespace asio = boost::asio;

asio::awaitable<void> service::timer_pump() {
  ++active_pumps_;
  asio::steady_timer tick(io_);
  const send_gate gate = quiet_hours_gate(*scheduler_);
  // Used on the store thread only, one job at a time.
  auto backoff = std::make_shared<timer_backoff>();
  while (!stopping_) {
    auto fired = std::make_shared<int>(0);
    // A named job, not a temporary inside co_await: GCC 12 destroys such temporaries twice.
    write_queue::job st_job = [this, fired, backoff, &gate](adapters::sqlite_store& s) {
          auto now = core::instant(std::chrono::duration_cast<core::duration>(
              std::chrono::system_clock::now().time_since_epoch()));
          auto n = fire_due_timers(s, now, 500, *backoff,
                                   [&](adapters::sqlite_store& st, const adapters::due_timer& t) {
                                     return conversation_->fire_timer(st, t, now, gate);
                                   });
          if (!n) return n.error();
          *fired = *n;
          return core::status::ok();
    };
    auto st = co_await async_write(*writes_, std::move(st_job), asio::use_awaitable);
    if (!st) log_error("timers_failed", {{"error", st.message()}});
    if (*fired > 0) {
      log_info("timers_fired", {{"count", std::to_string(*fired)}});
      wake_outbox();
    }
    tick.expires_after(std::chrono::seconds(1));
    boost::system::error_code ec;
    co_await tick.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  --active_pumps_;
}

}  // namespace tuki::app
