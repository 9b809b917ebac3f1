// The SLA pump (io thread): every tickets.sla_check_interval_ms, takes the due SLA steps of
// tickets (reminders, escalations, follow-up dialogs) in one write job; ticket_desk::run_sla
// decides with routing::next_deadline. A step and its record commit together, so a crash
// neither loses nor repeats one. A follow-up waits for the student's allowed hours and for the
// end of any other dialog (followup_start.hpp). Used link nonces past their expiry are
// forgotten hourly.
#include "tuki/app/async_write.hpp"
#include "tuki/app/followup_start.hpp"
#include "tuki/app/log.hpp"
#include "tuki/app/service.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace tuki::app {

namespace asio = boost::asio;

asio::awaitable<void> service::sla_pump() {
  ++active_pumps_;
  asio::steady_timer tick(io_);
  auto last_purge = std::chrono::steady_clock::now();
  while (!stopping_) {
    auto steps = std::make_shared<int>(0);
    bool purge = std::chrono::steady_clock::now() - last_purge > std::chrono::hours(1);
    if (purge) last_purge = std::chrono::steady_clock::now();
    // A named job, not a temporary inside co_await: GCC 12 destroys such temporaries twice.
    write_queue::job st_job = [this, steps, purge](adapters::sqlite_store& s) {
      auto now = core::instant(std::chrono::duration_cast<core::duration>(
          std::chrono::system_clock::now().time_since_epoch()));
      auto n = conversation_->desk().run_sla(s, sla_start_dialog(), now);
      if (!n) return n.error();
      *steps = *n;
      if (purge) return s.purge_link_nonces(now);
      return core::status::ok();
    };
    auto st = co_await async_write(*writes_, std::move(st_job), asio::use_awaitable);
    if (!st) log_error("sla_failed", {{"error", st.message()}});
    if (*steps > 0) {
      log_info("sla_steps", {{"count", std::to_string(*steps)}});
      wake_outbox();
    }
    tick.expires_after(std::chrono::milliseconds(cfg_.tickets.sla_check_interval_ms));
    boost::system::error_code ec;
    co_await tick.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  --active_pumps_;
}

ticket_desk::start_dialog_fn service::sla_start_dialog() {
  return followup_starter(*conversation_, quiet_hours_gate(*scheduler_));
}

}  // namespace tuki::app
