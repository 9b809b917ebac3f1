#pragma once
// The HTTP server (Boost.Beast, C++20 coroutines), after Beast's own examples: a listener that
// only accepts, one coroutine per connection that owns its stream, a body limit and a timeout on
// every read, and handlers that are functions from request to response (router.hpp).
//
// Executor: everything here runs on the io_context given to the constructor (one thread).
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "tuki/adapters/http/router.hpp"
#include "tuki/core/status.hpp"

namespace tuki::adapters {

struct http_server_settings {
  std::string listen = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: any free port (see port())
  std::size_t body_limit = 64 * 1024;
  int read_timeout_ms = 10'000;
  int backlog = 4096;
  /// Connections served at once; 0: no cap. At the cap the server stops accepting until one
  /// closes (new connections wait in the listen backlog), so idle clients cannot take the file
  /// descriptors the store and the outbox need.
  std::size_t max_connections = 0;
  /// After a failed accept (EMFILE, ENFILE, ENOBUFS...) the pending connection stays queued:
  /// the server waits this long before it accepts again rather than spin on it.
  int accept_retry_ms = 100;
};

/// Called after every response, for metrics and access logs (no bodies, no query strings).
/// `took`: from the request read (or found malformed) to its response written.
using http_observer =
    std::function<void(const std::string& route_name, int status, std::chrono::nanoseconds took)>;

/// Told once when accepting starts to fail (`error` says why, e.g. "Too many open files"; `failed`
/// is 1), and once when it works again (`error` empty; `failed`: the attempts that failed).
using http_accept_observer = std::function<void(const std::string& error, std::uint64_t failed)>;

class http_server {
 public:
  http_server(boost::asio::io_context& io, http_server_settings settings, const router& routes,
              http_observer observer = {}, http_accept_observer accept_observer = {});
  ~http_server();
  /// Binds and starts accepting. Errors name the address ("cannot listen on 127.0.0.1:8080: ...").
  core::status start();
  std::uint16_t port() const;
  /// Stops accepting, closes idle connections, lets in-flight requests finish, then calls
  /// `done` (on the io thread).
  void stop(std::function<void()> done);
  std::size_t connections() const;
  /// Accepts that failed since start (any thread may read it).
  std::uint64_t accept_failures() const;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace tuki::adapters
