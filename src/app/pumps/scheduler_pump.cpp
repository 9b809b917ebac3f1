// The scheduler pump (io thread): once a second it starts the planned sends that are due (at
// most scheduler.batch per store job, none while the SMS outbox is deeper than
// scheduler.max_outbox_depth), and every scheduler.rules_every_seconds it evaluates the schedule
// rules. All of it runs as write jobs, except the walk of a recurring rule's audience, which
// only reads and runs on the read connection: a planned send is marked started in the same
// transaction as the dialog it starts and the SMS it queues, and a rule run is recorded in the
// same transaction as its campaign, so a crash neither loses nor repeats one.
#include "tuki/app/async_write.hpp"
#include "tuki/app/log.hpp"
#include "tuki/app/read_queue.hpp"
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
    auto runs = std::make_shared<std::vector<recurring_run>>();
    auto evaluated_at = std::make_shared<core::instant>();
    const int batch = cfg_.scheduler.batch;
    const std::int64_t max_depth = cfg_.scheduler.max_outbox_depth;
    // A named job, not a temporary inside co_await: GCC 12 destroys such temporaries twice.
    write_queue::job st_job = [this, rules, starts, runs, evaluated_at, rules_due, batch,
                               max_depth](adapters::sqlite_store& s) {
      auto now = core::instant(std::chrono::duration_cast<core::duration>(
          std::chrono::system_clock::now().time_since_epoch()));
      if (rules_due) {
        auto r = scheduler_->evaluate_rules(s, now, /*recurring=*/false);
        if (!r) return r.error();
        *rules = *r;
        *runs = scheduler_->due_recurring(s, now);
        *evaluated_at = now;
      }
      auto started = scheduler_->start_due(s, now, batch, max_depth);
      if (!started) return started.error();
      *starts = *started;
      return core::status::ok();
    };
    auto st = co_await async_write(*writes_, std::move(st_job), asio::use_awaitable);
    if (!st) log_error("scheduler_failed", {{"error", st.message()}});
    // Each due recurring occurrence: the walk of its audience on the read connection (1,000,000
    // students: about half a second the writer would otherwise spend on it, with every reply
    // waiting), then the run recorded and the campaign stored in one write job.
    for (std::size_t i = 0; st && i < runs->size() && !stopping_; ++i) {
      auto run = std::make_shared<recurring_run>((*runs)[i]);
      auto selection = std::make_shared<campaign_selection>();
      const auto now = *evaluated_at;
      read_queue::job select_job = [this, run, selection, now](adapters::sqlite_store& s) {
        auto r = scheduler_->select_recurring(s, *run, now);
        if (!r) return r.error();
        *selection = std::move(*r);
        return core::status::ok();
      };
      // Not a co_await inside a conditional expression: GCC 12 miscompiles that (it crashed).
      core::status selected = core::status::ok();
      if (reads_) selected = co_await async_read(*reads_, std::move(select_job), asio::use_awaitable);
      else selected = co_await async_write(*writes_, std::move(select_job), asio::use_awaitable);
      if (!selected) {
        log_error("scheduler_failed", {{"rule", run->rule->id}, {"error", selected.message()}});
        continue;
      }
      auto stored = std::make_shared<rules_report>();
      write_queue::job store_job = [this, run, selection, stored, now](adapters::sqlite_store& s) {
        auto r = scheduler_->store_recurring(s, *run, *selection, now);
        if (!r) return r.error();
        *stored = *r;
        return core::status::ok();
      };
      auto done = co_await async_write(*writes_, std::move(store_job), asio::use_awaitable);
      if (!done) log_error("scheduler_failed", {{"rule", run->rule->id}, {"error", done.message()}});
      else rules->add(*stored);
    }
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
