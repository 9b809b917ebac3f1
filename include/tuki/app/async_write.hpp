#pragma once
// Awaiting a write_queue job from a coroutine: `co_await async_write(queue, job, use_awaitable)`
// resumes on the caller's executor once the job's transaction has committed (or failed).
#include <utility>  // before Asio's coroutine headers (Boost 1.74 with GCC 12)

#include <memory>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>

#include "tuki/app/write_queue.hpp"

namespace tuki::app {

/// Submits `job` to a store queue (write_queue or read_queue: anything with `job` and
/// `submit(job, completion)`) and completes `token` with the job's status on the token's executor.
/// `extra...` goes to `submit` after the completion (write_queue: a report_when).
template <class Queue, class CompletionToken, class... Extra>
auto async_submit(Queue& queue, typename Queue::job job, CompletionToken&& token, Extra... extra) {
  return boost::asio::async_initiate<CompletionToken, void(core::status)>(
      [&queue, extra...](auto handler, typename Queue::job j) {
        auto ex = boost::asio::get_associated_executor(handler);
        auto h = std::make_shared<decltype(handler)>(std::move(handler));
        queue.submit(std::move(j), [ex, h](core::status s) {
          boost::asio::post(ex, [h, s = std::move(s)]() mutable { (*h)(std::move(s)); });
        }, extra...);
      },
      token, std::move(job));
}

/// Resumes once the job's data is durable.
template <class CompletionToken>
auto async_write(write_queue& queue, write_queue::job job, CompletionToken&& token) {
  return async_submit(queue, std::move(job), std::forward<CompletionToken>(token));
}

/// Resumes once the job's data is durable; the job may wait a moment for others to share its
/// transaction (write_queue::pace::gather: for writes nobody is waiting on, e.g. delivery reports).
template <class CompletionToken>
auto async_write_gathered(write_queue& queue, write_queue::job job, CompletionToken&& token) {
  return async_submit(queue, std::move(job), std::forward<CompletionToken>(token),
                      write_queue::report_when::durable, write_queue::pace::gather);
}

/// Resumes once the job has committed, before it is durable (write_queue::report_when).
template <class CompletionToken>
auto async_write_committed(write_queue& queue, write_queue::job job, CompletionToken&& token) {
  return async_submit(queue, std::move(job), std::forward<CompletionToken>(token),
                      write_queue::report_when::committed);
}

}  // namespace tuki::app
