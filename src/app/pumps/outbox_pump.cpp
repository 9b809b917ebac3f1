// The outbox pump (outbox thread, beside the Beast client on the same io_context): claims due SMS
// in batches (queued -> sending, committed) and sends them through their gateway drivers as a
// continuous pipeline: up to outbox.in_flight requests outstanding (the next batch is claimed
// while the last requests of the current one are still in flight). Answers are stored at least
// outbox.in_flight at a time, in one transaction each (sent / queued again with backoff /
// failed), detached so that sending goes on meanwhile, with at most one such store pending:
// answers that arrive meanwhile (up to batch_size) go into the next store. A crash leaves the
// unfinished messages in `sending`; start-up puts them back in the queue. Only those the gateway
// had already accepted are then sent twice, and only claimed messages can be: at most what was
// claimed and not yet stored. Queued messages past their validity move to `expired` before each
// claim, and a claim moves a bulk SMS to a student who opted out or paused since it was queued to
// `withheld` instead of sending it (sqlite_store::claim_sms_batch). A gateway with a `rate_limit`
// is paced by a token bucket in SMS segments: the pump sleeps exactly until the next message's
// segments are available (no polling). Retry decisions are app::decide_send_outcome
// (outbox_decision.hpp).
//
// Claims and outcomes wait for their commit, not for the sync after it
// (write_queue::report_when::committed): losing them in a power failure loses nothing, because
// a message whose claim or outcome was lost is queued or sending again at start-up and is sent
// again, as after a crash; it only widens the window of such repeats by one sync. Waiting for
// the sync before each window held a 32-request window of a zero-cost gateway to the disk's
// pace.
#include "tuki/app/async_write.hpp"
#include "tuki/app/failure_episode.hpp"
#include "tuki/app/gateway_opt_out.hpp"
#include "tuki/app/gateway_recovery.hpp"
#include "tuki/app/log.hpp"
#include "tuki/app/outbox_decision.hpp"
#include "tuki/app/outbox_window.hpp"
#include "tuki/app/send_window.hpp"
#include "tuki/app/service.hpp"
#include "tuki/app/wall_clock.hpp"

#include <algorithm>
#include <atomic>
#include <deque>
#include <random>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace tuki::app {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;

namespace {

// What storing an answer needs of its message (not its text, number or gateway name, which
// would otherwise be copied into every callback).
struct sent_message {
  std::int64_t id = 0;
  std::int64_t student_id = 0;
  int attempts = 0;
  int priority = 2;
  const std::string* gateway = nullptr;  // the key in service::gateways_; null: no such gateway
};

struct send_outcome_row {
  sent_message sms;
  adapters::send_result result;
};

using decision_list = std::vector<std::pair<std::int64_t, outbox_decision>>;

/// Stores one window's outcomes; runs detached so the next window is sent meanwhile.
/// `pending` counts the stores not finished yet (the pump waits for them before it exits, so
/// `recovery`, the pump's, outlives this; at most one store is pending: the window it commits
/// is the one noted last).
///
/// A failed store (a full disk, an I/O error) rolls back: the window's messages are still
/// `sending`, and nothing else puts them back while the service runs (requeue_in_flight is for
/// start-up). So the same job is tried again, after 100 ms, doubling up to 5 s, until it is
/// stored; meanwhile the pump holds further answers (its collect limit) and sends no more. At
/// stop one failed try ends it: start-up queues the messages again. `recovery` counts the window
/// only once it is stored.
awaitable<void> store_outcomes(write_queue& writes, metrics& counters, write_queue::job job,
                               std::shared_ptr<const decision_list> decisions,
                               gateway_recovery& recovery, const std::atomic<bool>& stopping,
                               std::shared_ptr<int> pending,
                               std::shared_ptr<boost::asio::steady_timer> signal) {
  asio::steady_timer backoff(co_await asio::this_coro::executor);
  std::chrono::milliseconds delay{100};
  core::status stored = core::status::ok();
  for (int attempt = 1;; ++attempt) {
    stored = co_await async_write_committed(writes, job, use_awaitable);
    if (stored) break;
    log_error("outbox_store_failed", {{"error", stored.message()},
                                      {"messages", std::to_string(decisions->size())},
                                      {"attempt", std::to_string(attempt)},
                                      {"next", stopping ? "left to start-up" : "retry"}});
    if (stopping) break;
    backoff.expires_after(delay);
    boost::system::error_code ec;
    co_await backoff.async_wait(asio::redirect_error(use_awaitable, ec));
    delay = std::min<std::chrono::milliseconds>(delay * 2, std::chrono::seconds(5));
  }
  if (stored) recovery.commit();
  --*pending;
  signal->cancel();
  if (!stored) co_return;
  std::size_t sent = 0, failed = 0, retried = 0;
  for (const auto& [id, d] : *decisions) {
    if (d.status == "sent") ++sent;
    else if (d.status == "failed") ++failed;
    else ++retried;
  }
  counters.count("sms_sent", sent);
  counters.count("sms_failed", failed);
  counters.count("sms_retried", retried);
  log_debug("outbox_window", {{"sent", std::to_string(sent)}, {"retry", std::to_string(retried)},
                              {"failed", std::to_string(failed)}});
  // A message that will not be sent is worth an operator's look (tuki deliveries failed).
  if (failed > 0) log_warn("sms_failed", {{"messages", std::to_string(failed)}});
}

/// An account-level refusal (bad credentials, a suspended account, a wrong URL: see
/// send_result::account_refused) is retried like an outage, and only an operator ends it: it
/// is logged as an error once per episode and gateway, not once per SMS; the gateway's next
/// acceptance ends the episode. `refusing` holds the gateways in such an episode (a missing
/// gateway is keyed by its answer, "no gateway named ...").
void note_account_refusal(std::vector<std::string>& refusing, const std::string* gateway,
                          const adapters::send_result& result) {
  const std::string key = gateway ? *gateway : result.detail;
  auto it = std::find(refusing.begin(), refusing.end(), key);
  if (result.outcome == adapters::send_outcome::accepted && it != refusing.end()) {
    refusing.erase(it);
    log_info("gateway_accepts_again", {{"gateway", key}});
  } else if (result.account_refused && it == refusing.end()) {
    refusing.push_back(key);
    log_error("gateway_refused_account",
              {{"gateway", key},
               {"answer", result.detail},
               {"action", "check the gateway's credentials, account and URL; messages wait"}});
  }
}

}  // namespace

awaitable<void> service::outbox_pump() {
  std::mt19937 rng{std::random_device{}()};
  std::uniform_real_distribution<double> draw(0.0, 1.0);
  retry_policy policy;
  policy.max_attempts = cfg_.outbox.max_attempts;
  gateway_recovery recovery;
  std::vector<std::string> refusing;  // gateways refusing our account (note_account_refusal)
  const int batch_size = cfg_.outbox.batch_size;
  const std::size_t window = static_cast<std::size_t>(cfg_.outbox.in_flight);
  // Answers held while a store is pending. It does not widen the crash window: only claimed
  // messages (`sending`) can be sent twice, and claims are bounded by batch_size.
  const std::size_t collect_limit = std::max<std::size_t>(window, static_cast<std::size_t>(batch_size));
  auto pending_stores = std::make_shared<int>(0);
  // Cancelled whenever an answer arrives or a store finishes: the pump re-checks its conditions.
  auto signal = std::make_shared<asio::steady_timer>(outbox_io_);
  asio::steady_timer pace(outbox_io_);
  // Claims of more urgent messages while a rate limit holds a batch (below): before a wait of at
  // least urgent_claim_wait, at most every urgent_claim_every, up to urgent_claim_limit SMS.
  constexpr auto urgent_claim_wait = std::chrono::milliseconds(50);
  constexpr auto urgent_claim_every = std::chrono::milliseconds(100);
  constexpr int urgent_claim_limit = 16;
  auto last_urgent_claim = std::chrono::steady_clock::time_point{};
  // Answers collected but not stored yet, and requests outstanding: they carry over from one
  // claimed batch to the next, so the pump claims the next batch while the last requests of the
  // current one are still in flight (the pipeline never drains between batches).
  auto collected = std::make_shared<std::vector<send_outcome_row>>();
  auto outstanding = std::make_shared<std::size_t>(0);
  auto flush = [&] {
    if (collected->empty()) return;
    auto now = wall_now();
    auto decisions = std::make_shared<decision_list>();
    decisions->reserve(collected->size());
    std::vector<std::int64_t> students;
    students.reserve(collected->size());
    std::vector<window_opt_out> opt_outs;  // recipients the gateway says blocked us (rare)
    for (auto& r : *collected) {
      decisions->emplace_back(r.sms.id, decide_send_outcome(r.result, r.sms.attempts, policy, now,
                                                            draw(rng), r.sms.priority));
      const auto& d = decisions->back().second;
      students.push_back(r.sms.student_id);
      if (r.sms.gateway) recovery.note(*r.sms.gateway, d);
      note_account_refusal(refusing, r.sms.gateway, r.result);
      // A message to a number without a student (student 0) has nobody to opt out.
      if (d.opted_out && r.sms.student_id != 0)
        opt_outs.push_back({r.sms.student_id, r.sms.gateway ? *r.sms.gateway : "", d.detail});
    }
    collected->clear();
    // Gateways back after an outage (gateway_recovery.hpp): a window of acceptances only. The
    // retries this job stores keep their backoff all the same (store_outbox_window).
    write_queue::job stored_job = [decisions, students = std::move(students),
                                   recovered = recovery.recovered(), opt_outs = std::move(opt_outs),
                                   now](adapters::sqlite_store& s) {
      return store_outbox_window(s, *decisions, students, recovered, now, opt_outs);
    };
    ++*pending_stores;
    asio::co_spawn(outbox_io_,
                   store_outcomes(*writes_, metrics_, std::move(stored_job), decisions, recovery,
                                  stopping_, pending_stores, signal),
                   asio::detached);
  };
  // A claim runs on the store thread while the pump sends the previous batch: claiming 256
  // messages costs the store a few milliseconds, and waiting for it between batches left the
  // gateway idle meanwhile. So at most two batches are claimed (sending) at a time (one when a
  // gateway has a rate limit, below).
  struct claim {
    std::vector<adapters::queued_sms> sms;
    std::int64_t expired = 0;
    std::int64_t withheld = 0;  // bulk SMS to students who opted out or paused meanwhile
    std::int64_t held = 0;      // left queued until quiet hours end (quiet_hours_hold)
    core::status status = core::status::ok();
    bool done = false;
  };
  auto start_claim = [&](int limit = 0, int max_priority = 2) -> std::shared_ptr<claim> {
    auto c = std::make_shared<claim>();
    if (limit == 0) limit = batch_size;
    write_queue::job st_job = [this, c, limit, max_priority](adapters::sqlite_store& s) {
      auto now = wall_now();
      auto n = s.expire_messages(now);
      if (!n) return n.error();
      c->expired = *n;
      auto claimed =
          s.claim_sms_batch(limit, now, max_priority, quiet_hours_hold(*scheduler_, now));
      if (!claimed) return claimed.error();
      c->sms = std::move(claimed->sms);
      c->withheld = claimed->withheld;
      c->held = claimed->held;
      return core::status::ok();
    };
    async_write_committed(*writes_, std::move(st_job),
                          asio::bind_executor(outbox_io_, [c, signal](core::status st) {
                            c->status = std::move(st);
                            c->done = true;
                            signal->cancel();
                          }));
    return c;
  };
  const bool claim_ahead = rate_limits_.empty();
  failure_episode claim_failures("outbox_claim_failed");  // a failed claim stops all sending
  std::shared_ptr<claim> next;
  for (;;) {
    // At stop nothing new is claimed; what is claimed or in flight is finished and stored below.
    if (!next && !stopping_) next = start_claim();
    while (next && !next->done) {
      signal->expires_at(asio::steady_timer::time_point::max());
      boost::system::error_code ec;
      co_await signal->async_wait(asio::redirect_error(use_awaitable, ec));
    }
    auto current = std::move(next);
    next.reset();
    if (current) claim_failures.note(current->status);
    const bool got = current && current->status && !current->sms.empty();
    if (current && current->expired > 0) {
      metrics_.count("sms_expired", static_cast<std::uint64_t>(current->expired));
      log_warn("sms_expired", {{"messages", std::to_string(current->expired)}});
    }
    if (current && current->held > 0) {
      metrics_.count("sms_held", static_cast<std::uint64_t>(current->held));
      log_info("sms_held", {{"messages", std::to_string(current->held)},
                            {"reason",
                             "quiet hours or a holiday began while they waited (a "
                             "gateway outage): they go at the next allowed moment"}});
    }
    if (current && current->withheld > 0) {
      metrics_.count("sms_withheld", static_cast<std::uint64_t>(current->withheld));
      log_info("sms_withheld", {{"messages", std::to_string(current->withheld)},
                                {"reason", "the student opted out or paused after it was queued"}});
    }
    if (!got) {
      // Nothing more to send for now (or stopping): finish and store what is in flight (the
      // client answers every request it was given), then sleep or leave.
      while (*outstanding > 0 || (!collected->empty() && *pending_stores > 0)) {
        if (collected->size() >= window && *pending_stores == 0) flush();
        signal->expires_at(asio::steady_timer::time_point::max());
        boost::system::error_code ec;
        co_await signal->async_wait(asio::redirect_error(use_awaitable, ec));
      }
      flush();
      if (stopping_) break;
      const bool idle = current && current->status;  // a failed claim is retried after a second
      // A batch that was all withheld may hide sendable messages behind it: claim again at once.
      if (idle && current->withheld > 0) continue;
      outbox_wake_->expires_after(std::chrono::milliseconds(idle ? 200 : 1000));
      boost::system::error_code ec;
      co_await outbox_wake_->async_wait(asio::redirect_error(use_awaitable, ec));
      continue;
    }
    // The next batch, while this one is sent; not when a gateway is paced by a rate limit, where
    // the claim's few milliseconds do not matter and a second claimed batch would only make a
    // crisis message queued meanwhile wait for it (at 100 segments/s, 2.5 s more).
    if (!stopping_ && claim_ahead) next = start_claim();
    // Claimed in priority order; more urgent messages claimed while pacing go to the front.
    std::deque<adapters::queued_sms> claimed(std::make_move_iterator(current->sms.begin()),
                                             std::make_move_iterator(current->sms.end()));
    // At stop, what is claimed but not sent yet goes back to the queue (below) instead of being
    // sent: with a rate limit, two claimed batches could otherwise hold the stop for seconds.
    std::vector<std::int64_t> unsent;
    while (!claimed.empty()) {
      auto sms = std::move(claimed.front());
      claimed.pop_front();
      sent_message ref{sms.id, sms.student_id, sms.attempts, sms.priority, nullptr};
      if (stopping_) {
        unsent.push_back(sms.id);
        continue;
      }
      auto gw = gateways_.find(sms.gateway);
      if (gw != gateways_.end()) ref.gateway = &gw->first;
      if (gw == gateways_.end()) {
        // A configuration without the message's gateway: the operator's to fix, not the
        // student's; the message waits (and is logged once: note_account_refusal).
        collected->push_back(
            {ref,
             {adapters::send_outcome::retryable, "", "no gateway named " + sms.gateway, true}});
        continue;
      }
      bool overtaken = false;
      if (auto bucket = rate_limits_.find(sms.gateway); bucket != rate_limits_.end()) {
        for (;;) {
          if (stopping_) break;
          auto wait = take_or_wait(bucket->second, sms.segments, std::chrono::steady_clock::now());
          if (wait == std::chrono::nanoseconds::zero()) break;
          // Another gateway's message further back that may go now goes first: one gateway's
          // limit does not hold the others' messages in the same batch (each keeps its order).
          auto other = first_ready_elsewhere(claimed, sms.gateway, [&](const auto& m) {
            auto b = rate_limits_.find(m.gateway);
            return b == rate_limits_.end() ||
                   bucket_ready(b->second, m.segments, std::chrono::steady_clock::now());
          });
          if (other != claimed.end()) {
            auto go = std::move(*other);
            claimed.erase(other);
            claimed.push_front(std::move(sms));
            claimed.push_front(std::move(go));
            overtaken = true;
            break;
          }
          // A paced batch can hold the pump for minutes (256 SMS at 2 segments/s). Before a
          // noticeable wait, claim what is more urgent than this message and was queued since
          // (a crisis text, a reply): it goes first, instead of after the whole batch.
          const auto at = std::chrono::steady_clock::now();
          if (sms.priority > 0 && wait >= urgent_claim_wait &&
              at - last_urgent_claim >= urgent_claim_every) {
            last_urgent_claim = at;
            auto urgent = start_claim(urgent_claim_limit, sms.priority - 1);
            while (!urgent->done) {
              signal->expires_at(asio::steady_timer::time_point::max());
              boost::system::error_code ec;
              co_await signal->async_wait(asio::redirect_error(use_awaitable, ec));
            }
            if (urgent->expired > 0)
              metrics_.count("sms_expired", static_cast<std::uint64_t>(urgent->expired));
            if (urgent->status && !urgent->sms.empty()) {
              claimed.push_front(std::move(sms));
              for (auto it = urgent->sms.rbegin(); it != urgent->sms.rend(); ++it)
                claimed.push_front(std::move(*it));
              log_info("sms_overtaking", {{"messages", std::to_string(urgent->sms.size())},
                                          {"gateway", bucket->first}});
              overtaken = true;
              break;
            }
            continue;  // the claim took time: the bucket may have the tokens now
          }
          pace.expires_after(wait);
          boost::system::error_code ec;
          co_await pace.async_wait(asio::redirect_error(use_awaitable, ec));
        }
      }
      if (overtaken) continue;
      if (stopping_) {
        unsent.push_back(sms.id);
        continue;
      }
      // The claimed message is not needed after this: its number and text move into the request.
      auto sender = sender_of_gateway_.find(sms.gateway);
      adapters::outbound_sms out{
          sms.id, std::move(sms.to),
          sender == sender_of_gateway_.end() ? std::string() : sender->second, std::move(sms.body)};
      auto request = gw->second->build_send(out);
      if (!request) {
        log_info("sms_console", {{"message_id", std::to_string(sms.id)},
                                 {"gateway", sms.gateway},
                                 {"chars", std::to_string(out.text.size())}});
        collected->push_back({ref, gw->second->parse_send_response({}, "")});
        if (collected->size() >= window && *pending_stores == 0) flush();
        continue;
      }
      // Wait for a free slot. While a store is pending, answers keep being collected (up to
      // `collect_limit`) and go into the next store together: sending does not stop for the
      // disk. Waiting for each store before sending on made every window of `in_flight` requests
      // wait for a commit and its fsync (measured: 11,600 SMS/s to a zero-cost gateway).
      while (*outstanding >= window ||
             (collected->size() >= collect_limit && *pending_stores > 0)) {
        signal->expires_at(asio::steady_timer::time_point::max());
        boost::system::error_code ec;
        co_await signal->async_wait(asio::redirect_error(use_awaitable, ec));
      }
      if (collected->size() >= window && *pending_stores == 0) flush();
      ++*outstanding;
      const adapters::sms_gateway* driver = gw->second.get();
      client_.submit(std::move(*request), [this, driver, ref, collected, outstanding, signal](
                                              core::http_response resp, std::string err) {
        // Inline when the client runs on the outbox thread (plain http://); a post from curl's.
        asio::dispatch(outbox_io_,
                       [ref, r = with_retry_after(driver->parse_send_response(resp, err), resp),
                        collected, outstanding, signal]() mutable {
                         collected->push_back({ref, std::move(r)});
                         --*outstanding;
                         signal->cancel();
                       });
      });
    }
    if (!unsent.empty()) {
      write_queue::job requeue = [unsent = std::move(unsent)](adapters::sqlite_store& s) {
        const auto now = wall_now();
        for (auto id : unsent)
          if (auto moved = s.unclaim_sms(id, "not sent before stop", now); !moved)
            return moved.error();
        return core::status::ok();
      };
      auto requeued = co_await async_write(*writes_, std::move(requeue), use_awaitable);
      if (!requeued) log_error("outbox_requeue_failed", {{"error", requeued.message()}});
    }
  }
  // Outcomes still being stored are part of the pump's work: wait for them before reporting done.
  // (No claim is running here: the loop leaves only after taking the last one.)
  asio::steady_timer drain(outbox_io_);
  while (*pending_stores > 0) {
    drain.expires_after(std::chrono::milliseconds(5));
    boost::system::error_code ec;
    co_await drain.async_wait(asio::redirect_error(use_awaitable, ec));
  }
  --active_pumps_;
}

}  // namespace tuki::app
