// The scheduler pump (io thread): once a second it starts the planned sends that are due (at
// most scheduler.batch per store job, none while the SMS outbox is deeper than
// scheduler.max_outbox_depth), and every scheduler.rules_every_seconds it evaluates the schedule
// rules. All of it runs as write jobs: a planned send is marked started in the same transaction
// as the dialog it starts and the SMS it queues, so a crash neither loses nor repeats one.
#include "tuki/app/async_write.hpp"
#include "tuki/app/log.hpp"
#include "tuki/app/service.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace tuki::app {

namespace asio = boost::asio;

asio::awaitable<void> service::scheduler_pump() {
  ++active_pumps_;
  asio::steady_timer tick(io_);
  const auto rules_every = std::chrono::seconds(cfg_.scheduler.rules_every_seconds);
  auto last_rules = std::chrono::steady_clock::now() - rules_every;  // evaluate on the first tick
  bool held_back_logged = false;
  while (!stopping_) {
    const bool rules_due = std::chrono::steady_clock::now() - last_rules >= rules_every;
    if (rules_due) last_rules = std::chrono::steady_clock::now();
    auto rules = std::make_shared<rules_report>();
    auto starts = std::make_shared<start_report>();
    const int batch = cfg_.scheduler.batch;
    const std::int64_t max_depth = cfg_.scheduler.max_outbox_depth;
    // A named job, not a temporary inside co_await: GCC 12 destroys such temporaries twice.
    write_queue::job st_job = [this, rules, starts, rules_due, batch, max_depth](
                                  adapters::sqlite_store& s) {
      auto now = core::instant(std::chrono::duration_cast<core::duration>(
          std::chrono::system_clock::now().time_since_epoch()));
      if (rules_due) {
        auto r = scheduler_->evaluate_rules(s, now);
        if (!r) return r.error();
        *rules = *r;
      }
      auto started = scheduler_->start_due(s, now, batch, max_depth);
      if (!started) return started.error();
      *starts = *started;
      return core::status::ok();
    };
    auto st = co_await async_write(*writes_, std::move(st_job), asio::use_awaitable);
    if (!st) log_error("scheduler_failed", {{"error", st.message()}});
    // A recurring rule that defers students at every occurrence has more students than its
    // period's capacity: operators watch tuki_checkins_deferred_total for it.
    if (rules->deferred > 0) metrics_.count("checkins_deferred", rules->deferred);
    if (rules->campaigns > 0)
      log_info("schedule_rules_planned", {{"campaigns", std::to_string(rules->campaigns)},
                                          {"planned", std::to_string(rules->planned)},
                                          {"deferred", std::to_string(rules->deferred)}});
    if (starts->started + starts->skipped + starts->postponed > 0) {
      metrics_.count("checkins_started", starts->started);
      log_info("planned_sends_started", {{"started", std::to_string(starts->started)},
                                         {"skipped", std::to_string(starts->skipped)},
                                         {"postponed", std::to_string(starts->postponed)}});
    }
    if (starts->held_back != held_back_logged) {
      held_back_logged = starts->held_back;
      log_info(starts->held_back ? "scheduler_backpressure_on" : "scheduler_backpressure_off",
               {{"max_outbox_depth", std::to_string(max_depth)}});
    }
    if (starts->started > 0) wake_outbox();
    // A full batch means more may be due: go again soon (backpressure bounds the outbox).
    const bool more = st && starts->started + starts->skipped + starts->postponed >=
                                static_cast<std::size_t>(batch);
    // Held back: look again soon, the outbox drains at the gateway's pace.
    tick.expires_after(more                ? std::chrono::milliseconds(20)
                       : starts->held_back ? std::chrono::milliseconds(200)
                                           : std::chrono::milliseconds(1000));
    boost::system::error_code ec;
    co_await tick.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  --active_pumps_;
}

}  // namespace tuki::app
