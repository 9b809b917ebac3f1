// The timer pump (io thread): once a second, fires the dialog timers that are due (reminders,
// timeouts, expiry) in one write job. A timer is deleted in the same transaction as the step it
// causes, so a crash neither loses nor repeats it. A reminder due in the student's quiet
// hours is stored again for the next allowed moment instead (send_window.hpp).
#include "tuki/app/async_write.hpp"
#include "tuki/app/log.hpp"
#include "tuki/app/service.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace tuki::app {

namespace asio = boost::asio;

asio::awaitable<void> service::timer_pump() {
  ++active_pumps_;
  asio::steady_timer tick(io_);
  const send_gate gate = quiet_hours_gate(*scheduler_);
  while (!stopping_) {
    auto fired = std::make_shared<int>(0);
    // A named job, not a temporary inside co_await: GCC 12 destroys such temporaries twice.
    write_queue::job st_job = [this, fired, &gate](adapters::sqlite_store& s) {
          auto now = core::instant(std::chrono::duration_cast<core::duration>(
              std::chrono::system_clock::now().time_since_epoch()));
          for (const auto& t : s.take_due_timers(now, 500)) {
            if (auto r = conversation_->fire_timer(s, t, now, gate); !r) return r;
            ++*fired;
          }
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
