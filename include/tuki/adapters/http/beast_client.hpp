#pragma once
// Outbound plain-HTTP/1.1 over Boost.Beast, either on an io_context and thread of its own or on
// an io_context its owner runs (the service's I/O thread: every step is asynchronous, and a
// request then crosses no thread on its way to the gateway and back). Per origin (host, port): one
// queue of pending requests served by up to `max_host_connections` persistent connections; an idle
// connection is kept for reuse and closed after `idle_timeout_ms`. A request that fails on a REUSED
// connection while writing, or before any byte of the answer was read, is retried once on a fresh
// connection (the server may have closed the idle connection just before we wrote); nothing else is
// retried: retries belong to the caller (the outbox pump). Timeouts: a request gets `timeout_ms` in
// all, and name resolution and connect together `connect_timeout_ms` of it (as libcurl's connect
// timeout does for https://). getaddrinfo, which Asio runs on a private thread, cannot be
// interrupted: a request whose resolution runs out fails ("resolve HOST: timed out after N ms") and
// the late answer is dropped, not cached. Thread-safety: submit() and in_flight() from any thread;
// callbacks run on the client's io_context and must only hand the result on. submit() called on
// that io_context's own thread takes the request at once, so a request refused before sending (a
// bad URL or header) may call back before submit() returns.
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "tuki/core/http_message.hpp"

namespace boost::asio {
class io_context;
}

namespace tuki::adapters {

struct beast_client_settings {
  std::size_t max_host_connections = 32;  // parallel connections to one origin
  long timeout_ms = 15'000;               // whole request, connection set-up included
  long connect_timeout_ms = 5'000;        // name resolution and connect
  long idle_timeout_ms = 30'000;          // an unused kept-alive connection is closed after this
  std::size_t body_limit = 1 << 20;       // bytes of response body; larger answers are errors
  /// For tests: called on the client's io_context before each name resolution; the resolver is
  /// asked only that many milliseconds later, a stand-in for a DNS server that is slow or dead.
  /// Like a getaddrinfo that blocks, the wait keeps the io_context busy and nothing cuts it
  /// short. Empty (the default): the resolver is asked at once.
  std::function<long()> test_resolve_delay_ms;
};

class beast_client {
 public:
  /// `transport_error` is empty when an HTTP answer arrived (of any status).
  using callback = std::function<void(core::http_response response, std::string transport_error)>;

  /// Runs on a thread of its own (start() starts it).
  explicit beast_client(beast_client_settings settings = {});
  /// Runs on `shared`, which its owner runs and keeps alive as long as this client: no thread of
  /// its own. stop() is then asynchronous (see there).
  beast_client(beast_client_settings settings, boost::asio::io_context& shared);
  /// Stops (see stop()).
  ~beast_client();
  beast_client(const beast_client&) = delete;
  beast_client& operator=(const beast_client&) = delete;

  void start();
  /// Finishes every request submitted so far (each bounded by its timeout), closes the idle
  /// connections and joins the thread; a getaddrinfo still blocked, whose request has failed, does
  /// not hold it (destroying the client does wait for it: Asio joins its resolver thread). start()
  /// may be called again afterwards. On a shared io_context it only asks for that and returns at
  /// once: the owner keeps running the io_context until in_flight() is 0 (it never blocks the
  /// thread it is called on; a getaddrinfo still blocked keeps the io_context busy until it
  /// returns, so the owner stops it rather than wait for run() to return).
  void stop();
  /// `request.target` is a full http:// URL (one parse_http_url accepts; otherwise the callback
  /// gets a transport error). Methods: GET, POST, PUT. Requests submitted before start() wait.
  void submit(core::http_request request, callback done);
  /// Requests submitted whose callback has not returned yet.
  std::size_t in_flight() const;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;  // shared with the coroutines running on its io_context
  std::mutex mutex_;  // guards thread_ (start/stop)
  std::thread thread_;
  bool shared_ = false;  // runs on its owner's io_context: no thread_
};

}  // namespace tuki::adapters
