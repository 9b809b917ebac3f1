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
};

/// Called after every response, for metrics and access logs (no bodies, no query strings).
/// `took`: from the request read (or found malformed) to its response written.
using http_observer =
    std::function<void(const std::string& route_name, int status, std::chrono::nanoseconds took)>;

class http_server {
 public:
  http_server(boost::asio::io_context& io, http_server_settings settings, const router& routes,
              http_observer observer = {});
  ~http_server();
  /// Binds and starts accepting. Errors name the address ("cannot listen on 127.0.0.1:8080: ...").
  core::status start();
  std::uint16_t port() const;
  /// Stops accepting, closes idle connections, lets in-flight requests finish, then calls
  /// `done` (on the io thread).
  void stop(std::function<void()> done);
  std::size_t connections() const;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace tuki::adapters
