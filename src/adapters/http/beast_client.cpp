#include "tuki/adapters/http/beast_client.hpp"

#include <utility>  // before Asio's coroutine headers (Boost 1.74 with GCC 12)

#include <algorithm>
#include <atomic>
#include <chrono>
#include <deque>
#include <list>
#include <map>
#include <optional>

#include <pthread.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "tuki/adapters/http/http_request_text.hpp"
#include "tuki/adapters/http/http_url.hpp"

namespace tuki::adapters {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using steady = std::chrono::steady_clock;
// The io_context's own executor type throughout, not Asio's type-erased any_io_executor: every
// completion of a request's write and reads then runs without the erased executor's copies and
// virtual calls (about 6% of the outbox thread's CPU under a campaign).
using executor = asio::io_context::executor_type;
template <class T>
using awaitable = asio::awaitable<T, executor>;
constexpr asio::use_awaitable_t<executor> use_awaitable;
using stream_type = beast::basic_stream<tcp, executor>;
using timer_type = asio::basic_waitable_timer<steady, asio::wait_traits<steady>, executor>;
using resolver_type = asio::ip::basic_resolver<tcp, executor>;

namespace {

bool iequals(std::string_view a, std::string_view b) { return beast::iequals(a, b); }

core::http_response convert(http::response<http::string_body>& res) {
  core::http_response r;
  r.status = static_cast<int>(res.result_int());
  for (const auto& f : res) {
    std::string name(f.name_string());
    std::string value(f.value());
    if (iequals(name, "content-type")) r.content_type = value;
    r.headers.push_back({std::move(name), std::move(value)});
  }
  r.body = std::move(res.body());
  return r;
}

}  // namespace

// Everything below runs on `io`'s single thread, except submit()'s post and the atomic counter.
// `io` is `own` or an io_context the client's owner runs.
struct beast_client::impl : std::enable_shared_from_this<beast_client::impl> {
  struct job {
    std::string wire;  // the whole request as sent (http_request_text)
    callback done;
  };
  // A connection waiting for work; the waker unlists it and cancels its timer.
  struct idle_waiter {
    timer_type* timer = nullptr;
    bool woken = false;
  };
  struct origin {
    std::string host;
    std::string port;
    std::deque<job> queue;
    std::size_t connections = 0;  // live connection coroutines
    std::list<idle_waiter*> idle;
    std::optional<tcp::resolver::results_type> endpoints;  // cached until a connect fails
  };
  // One name resolution, shared by the connect waiting for it and the resolver's completion:
  // getaddrinfo runs on Asio's private thread and cannot be interrupted, so the answer may come
  // after the connect has given up. It then lands here and is dropped with this.
  struct resolution {
    explicit resolution(const executor& ex) : resolver(ex), answered(ex) {}
    resolver_type resolver;
    timer_type answered;  // the connect waits on it until its limit; the answer cancels it
    bool done = false;
    beast::error_code ec;
    tcp::resolver::results_type results;
  };

  std::unique_ptr<asio::io_context> own;
  asio::io_context& io;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  beast_client_settings settings;
  std::atomic<std::size_t> in_flight{0};
  std::map<std::string, std::shared_ptr<origin>> origins;
  bool stopping = false;

  impl(beast_client_settings s, asio::io_context* shared)
      : own(shared ? nullptr : std::make_unique<asio::io_context>()),
        io(shared ? *shared : *own), settings(s) {
    settings.max_host_connections = std::max<std::size_t>(settings.max_host_connections, 1);
  }

  void finish(callback& done, core::http_response response, std::string error) {
    if (done) done(std::move(response), std::move(error));
    --in_flight;
  }

  void fail(callback& done, std::string error) {
    core::http_response none;
    none.status = 0;
    finish(done, std::move(none), std::move(error));
  }

  void accept(core::http_request request, callback done) {
    auto url = parse_http_url(request.target);
    if (!url) {
      // The URL is not quoted: it may carry credentials (Kannel's are in its query).
      fail(done, "not a plain http:// URL");
      return;
    }
    auto wire = http_request_text(request, *url);
    if (!wire) {
      fail(done, wire.error().message());
      return;
    }
    job j{std::move(*wire), std::move(done)};

    auto& o = origins[url->host + " " + url->port];
    if (!o) {
      o = std::make_shared<origin>();
      o->host = url->host;
      o->port = url->port;
    }
    o->queue.push_back(std::move(j));
    if (!o->idle.empty()) {
      wake(*o);
    } else if (o->connections < settings.max_host_connections) {
      spawn(o);
    }
  }

  static void wake(origin& o) {
    idle_waiter* w = o.idle.front();
    o.idle.pop_front();
    w->woken = true;
    w->timer->cancel();
  }

  void spawn(const std::shared_ptr<origin>& o) {
    ++o->connections;
    asio::co_spawn(io, connection(o), asio::detached);
  }

  void begin_stop() {
    stopping = true;
    for (auto& [key, o] : origins)
      while (!o->idle.empty()) wake(*o);
    work.reset();
    end_own_run_if_done();
  }

  // Our own io_context stops when, stopping, no connection is left: a resolution still blocked
  // in getaddrinfo (its request long failed) would otherwise hold stop()'s join until it returns.
  // Its late answer waits in the io_context, for a restart or the client's end.
  void end_own_run_if_done() {
    if (!own || !stopping) return;
    for (const auto& [key, o] : origins)
      if (o->connections > 0) return;
    io.stop();
  }

  // Resolves into `r`, after `delay_ms` (test_resolve_delay_ms). Touches nothing but `r`: the
  // connect, and the client itself, may be gone by the time the answer comes.
  static awaitable<void> resolve(std::shared_ptr<resolution> r, std::string host, std::string port,
                                 long delay_ms) {
    beast::error_code ec;
    if (delay_ms > 0) {
      timer_type delay(r->resolver.get_executor());
      delay.expires_after(std::chrono::milliseconds(delay_ms));
      co_await delay.async_wait(asio::redirect_error(use_awaitable, ec));
    }
    auto results =
        co_await r->resolver.async_resolve(host, port, asio::redirect_error(use_awaitable, ec));
    r->ec = ec;
    r->results = std::move(results);
    r->done = true;
    r->answered.cancel();
  }

  // "timed out after N ms": N is the limit that ran out, the connect's or the request's.
  std::string timed_out(bool request_deadline) const {
    if (request_deadline)
      return "timed out after " + std::to_string(settings.timeout_ms) +
             " ms (the request's timeout)";
    return "timed out after " + std::to_string(settings.connect_timeout_ms) + " ms";
  }

  // Resolves (cached per origin) and connects `stream`, both within connect_timeout_ms or by the
  // request's deadline if that is sooner (libcurl's connect timeout, for https://, also covers
  // name resolution); an error text, empty on success.
  awaitable<std::string> connect(origin& o, stream_type& stream, steady::time_point deadline) {
    beast::error_code ec;
    std::string where = o.host + ":" + o.port;
    auto connect_by = steady::now() + std::chrono::milliseconds(settings.connect_timeout_ms);
    auto limit = std::min(deadline, connect_by);
    if (!o.endpoints) {
      // Raced against the limit, not awaited: with a dead DNS server getaddrinfo can block for
      // half a minute or more, holding the request and the outbox's slot.
      auto r = std::make_shared<resolution>(io.get_executor());
      long delay_ms = settings.test_resolve_delay_ms ? settings.test_resolve_delay_ms() : 0;
      asio::co_spawn(io, resolve(r, o.host, o.port, delay_ms), asio::detached);
      r->answered.expires_at(limit);
      co_await r->answered.async_wait(asio::redirect_error(use_awaitable, ec));
      if (!r->done) {
        // Asio's one resolver thread may still be blocked on an earlier getaddrinfo: a cancelled
        // resolution queued behind it is then skipped rather than run for nobody.
        r->resolver.cancel();
        co_return "resolve " + o.host + ": " + timed_out(deadline < connect_by);
      }
      if (r->ec) co_return "resolve " + o.host + ": " + r->ec.message();
      o.endpoints = r->results;
    }
    tcp::resolver::results_type endpoints = *o.endpoints;
    stream.expires_at(limit);
    co_await stream.async_connect(endpoints, asio::redirect_error(use_awaitable, ec));
    if (ec) {
      o.endpoints.reset();
      if (ec == beast::error::timeout)
        co_return "connect to " + where + ": " + timed_out(deadline < connect_by);
      co_return "connect to " + where + ": " + ec.message();
    }
    stream.socket().set_option(tcp::no_delay(true), ec);
    co_return std::string();
  }

  // One persistent connection of origin `o`: serves queued requests one after the other and ends
  // when it has been idle for idle_timeout_ms or the client stops with nothing queued.
  awaitable<void> connection(std::shared_ptr<origin> o) {
    auto self = shared_from_this();
    stream_type stream(io.get_executor());
    beast::flat_buffer buffer;
    timer_type idle_timer(io.get_executor());
    bool open = false;
    bool reused = false;  // the open connection has already carried an answered request
    std::string where = o->host + ":" + o->port;
    while (true) {
      if (o->queue.empty()) {
        if (stopping) break;
        idle_waiter waiter{&idle_timer, false};
        auto me = o->idle.insert(o->idle.end(), &waiter);
        idle_timer.expires_after(std::chrono::milliseconds(settings.idle_timeout_ms));
        beast::error_code ec;
        co_await idle_timer.async_wait(asio::redirect_error(use_awaitable, ec));
        if (!waiter.woken) o->idle.erase(me);
        if (o->queue.empty() && !waiter.woken) break;  // idle too long
        continue;
      }
      job j = std::move(o->queue.front());
      o->queue.pop_front();
      auto deadline = steady::now() + std::chrono::milliseconds(settings.timeout_ms);
      core::http_response response;
      std::string error;
      for (int attempt = 0;; ++attempt) {
        if (!open) {
          error = co_await connect(*o, stream, deadline);
          if (!error.empty()) break;
          open = true;
          reused = false;
          buffer.clear();
        }
        bool was_reused = reused;
        beast::error_code ec;
        stream.expires_at(deadline);
        co_await asio::async_write(stream, asio::buffer(j.wire), asio::redirect_error(use_awaitable, ec));
        bool nothing_read = true;
        if (!ec) {
          http::response_parser<http::string_body> parser;
          parser.body_limit(settings.body_limit);
          // Boost 1.74's parser does not apply body_limit to a Content-Length body: check the
          // header ourselves before reading the body.
          co_await http::async_read_header(stream, buffer, parser,
                                           asio::redirect_error(use_awaitable, ec));
          nothing_read = !parser.got_some() && buffer.size() == 0;
          if (!ec && parser.content_length() && *parser.content_length() > settings.body_limit)
            ec = http::error::body_limit;
          // The body usually came with the header: parse what is buffered here, since
          // async_read would complete through one more handler even without reading.
          if (!ec && !parser.is_done() && buffer.size() > 0) {
            parser.eager(true);
            buffer.consume(parser.put(buffer.data(), ec));
            if (ec == http::error::need_more) ec = {};
          }
          if (!ec && !parser.is_done())
            co_await http::async_read(stream, buffer, parser,
                                      asio::redirect_error(use_awaitable, ec));
          if (!ec) {
            auto res = parser.release();
            bool keep_alive = res.keep_alive();
            response = convert(res);
            reused = true;
            if (!keep_alive) {
              stream.socket().shutdown(tcp::socket::shutdown_both, ec);
              stream.close();
              open = false;
            }
            break;
          }
        }
        beast::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
        stream.close();
        open = false;
        // A kept-alive connection the server closed while idle fails exactly like this; the
        // request cannot have been processed, so one retry on a fresh connection is safe.
        if (was_reused && attempt == 0 && nothing_read && ec != beast::error::timeout) continue;
        if (ec == beast::error::timeout)
          error = "request to " + where + ": timed out after " +
                  std::to_string(settings.timeout_ms) + " ms";
        else if (ec == http::error::body_limit)
          error = "response from " + where + ": body over " +
                  std::to_string(settings.body_limit) + " bytes";
        else
          error = "request to " + where + ": " + ec.message();
        break;
      }
      if (!error.empty()) {
        response = {};
        response.status = 0;
      }
      finish(j.done, std::move(response), std::move(error));
    }
    if (open) {
      beast::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
      stream.close();
    }
    --o->connections;
    if (!o->queue.empty() && o->connections < settings.max_host_connections) spawn(o);
    end_own_run_if_done();
  }
};

beast_client::beast_client(beast_client_settings settings)
    : impl_(std::make_shared<impl>(settings, nullptr)) {}

beast_client::beast_client(beast_client_settings settings, asio::io_context& shared)
    : impl_(std::make_shared<impl>(settings, &shared)), shared_(true) {}

beast_client::~beast_client() { stop(); }

void beast_client::start() {
  std::lock_guard lock(mutex_);
  if (shared_) {
    asio::post(impl_->io, [i = impl_] { i->stopping = false; });
    return;
  }
  if (thread_.joinable()) return;
  impl_->io.restart();  // own io_context
  impl_->stopping = false;
  impl_->work.emplace(impl_->io.get_executor());
  thread_ = std::thread([i = impl_] {
    pthread_setname_np(pthread_self(), "tuki-http");  // for per-thread CPU in top and bench
    i->io.run();
  });
}

void beast_client::stop() {
  std::lock_guard lock(mutex_);
  if (shared_) {
    asio::post(impl_->io, [i = impl_] { i->begin_stop(); });
    return;
  }
  if (!thread_.joinable()) return;
  asio::post(impl_->io, [i = impl_] { i->begin_stop(); });
  thread_.join();
}

void beast_client::submit(core::http_request request, callback done) {
  ++impl_->in_flight;
  // Inline when called on the client's own thread (the outbox pump's): no handler to queue.
  asio::dispatch(impl_->io, [i = impl_, r = std::move(request), d = std::move(done)]() mutable {
    i->accept(std::move(r), std::move(d));
  });
}

std::size_t beast_client::in_flight() const { return impl_->in_flight.load(); }

}  // namespace tuki::adapters
