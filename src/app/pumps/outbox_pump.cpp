// The outbox pump (io thread): claims due SMS in batches (queued -> sending, committed), sends
// each through its gateway driver over the curl thread, waits for the whole batch's answers, and
// stores every outcome in one transaction (sent / queued again with backoff / failed). A crash
// between claim and store leaves messages in `sending`; start-up puts them back in the queue, so
// only those few can be sent twice.
#include "tuki/app/async_write.hpp"
#include "tuki/app/log.hpp"
#include "tuki/app/service.hpp"

#include <random>

#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/redirect_error.hpp>

namespace tuki::app {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;

namespace {

constexpr int batch_size = 256;
constexpr int max_attempts = 10;

core::instant wall_now() {
  return core::instant(std::chrono::duration_cast<core::duration>(
      std::chrono::system_clock::now().time_since_epoch()));
}

/// Exponential backoff with jitter: 2^attempt seconds (capped at 10 min), +-25%.
core::duration backoff(int attempt, std::mt19937& rng) {
  double base = std::min(600.0, static_cast<double>(1u << std::min(attempt, 10)));
  std::uniform_real_distribution<double> jitter(0.75, 1.25);
  return std::chrono::milliseconds(static_cast<long long>(base * jitter(rng) * 1000));
}

struct send_outcome_row {
  adapters::queued_sms sms;
  adapters::send_result result;
};

}  // namespace

awaitable<void> service::outbox_pump() {
  ++active_pumps_;
  std::mt19937 rng{std::random_device{}()};
  while (!stopping_) {
    auto claimed = std::make_shared<std::vector<adapters::queued_sms>>();
    // A named job, not a temporary inside co_await: GCC 12 destroys such temporaries twice.
    write_queue::job st_job = [claimed](adapters::sqlite_store& s) {
          *claimed = s.claim_sms(batch_size, wall_now());
          return core::status::ok();
    };
    auto st = co_await async_write(*writes_, std::move(st_job), use_awaitable);
    if (!st || claimed->empty()) {
      outbox_wake_->expires_after(std::chrono::milliseconds(claimed->empty() ? 200 : 1000));
      boost::system::error_code ec;
      co_await outbox_wake_->async_wait(asio::redirect_error(use_awaitable, ec));
      continue;
    }
    auto results = std::make_shared<std::vector<send_outcome_row>>();
    results->reserve(claimed->size());
    std::size_t waiting = 0;
    asio::steady_timer all_done(io_);
    all_done.expires_at(asio::steady_timer::time_point::max());
    for (auto& sms : *claimed) {
      auto gw = gateways_.find(sms.gateway);
      if (gw == gateways_.end()) {
        results->push_back({sms, {adapters::send_outcome::permanent, "", "no gateway named " + sms.gateway}});
        continue;
      }
      adapters::outbound_sms out{sms.id, sms.to, sender_of_gateway_[sms.gateway], sms.body};
      auto request = gw->second->build_send(out);
      if (!request) {
        log_info("sms_console", {{"message_id", std::to_string(sms.id)}, {"gateway", sms.gateway},
                                 {"chars", std::to_string(sms.body.size())}});
        results->push_back({sms, gw->second->parse_send_response({}, "")});
        continue;
      }
      ++waiting;
      const adapters::sms_gateway* driver = gw->second.get();
      client_.submit(std::move(*request), [this, driver, sms, results, &waiting, &all_done](
                                              core::http_response resp, std::string err) {
        auto r = driver->parse_send_response(resp, err);
        asio::post(io_, [sms, r, results, &waiting, &all_done] {
          results->push_back({sms, r});
          if (--waiting == 0) all_done.cancel();
        });
      });
    }
    if (waiting > 0) {
      boost::system::error_code ec;
      co_await all_done.async_wait(asio::redirect_error(use_awaitable, ec));
    }
    auto now = wall_now();
    std::vector<std::pair<std::int64_t, core::instant>> retries;
    for (auto& r : *results)
      if (r.result.outcome == adapters::send_outcome::retryable && r.sms.attempts < max_attempts)
        retries.emplace_back(r.sms.id, now + backoff(r.sms.attempts, rng));
    // A named job, not a temporary inside co_await: GCC 12 destroys such temporaries twice.
    write_queue::job stored_job = [results, retries, now](adapters::sqlite_store& s) {
          std::size_t k = 0;
          for (auto& r : *results) {
            core::status st;
            switch (r.result.outcome) {
              case adapters::send_outcome::accepted:
                st = s.set_message_status(r.sms.id, "sent", r.result.detail, now);
                break;
              case adapters::send_outcome::retryable:
                if (k < retries.size() && retries[k].first == r.sms.id) {
                  st = s.set_message_status(r.sms.id, "queued", r.result.detail, now, retries[k].second);
                  ++k;
                } else {
                  st = s.set_message_status(r.sms.id, "failed", "gave up: " + r.result.detail, now);
                }
                break;
              case adapters::send_outcome::permanent:
                st = s.set_message_status(r.sms.id, "failed", r.result.detail, now);
                break;
              case adapters::send_outcome::opted_out:
                st = s.set_message_status(r.sms.id, "failed", "opted out: " + r.result.detail, now);
                if (st) st = s.set_contact_state(r.sms.student_id, true, std::nullopt, now);
                break;
            }
            if (!st) return st;
          }
          return core::status::ok();
    };
    auto stored = co_await async_write(*writes_, std::move(stored_job), use_awaitable);
    if (!stored) log_error("outbox_store_failed", {{"error", stored.message()}});
    std::size_t sent = 0, failed = 0;
    for (auto& r : *results) {
      if (r.result.outcome == adapters::send_outcome::accepted) ++sent;
      else if (r.result.outcome != adapters::send_outcome::retryable) ++failed;
    }
    metrics_.count("sms_sent", sent);
    metrics_.count("sms_failed", failed);
    log_debug("outbox_batch", {{"claimed", std::to_string(claimed->size())}, {"sent", std::to_string(sent)},
                               {"retry", std::to_string(retries.size())}, {"failed", std::to_string(failed)}});
  }
  --active_pumps_;
}

}  // namespace tuki::app
