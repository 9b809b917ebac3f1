#pragma once
// Outbound HTTP. Plain http:// URLs go to a Boost.Beast client (beast_client, a fraction of
// libcurl's CPU per request), on a thread of its own or, when given one, on its owner's
// io_context (the service's I/O thread: fully asynchronous, and a request to a gateway then
// crosses no thread). https:// and anything else go to libcurl's multi interface on a thread of
// its own (TLS handshakes and certificate checks never run on the I/O thread). Both keep
// connections alive and reuse them per host (a gateway sees a few long-lived connections, not one
// per SMS), at most max_host_connections each. Thread-safety: submit() from any thread; callbacks
// run on the Beast client's io_context or the curl thread and must only hand the result on (post
// it to its owner's executor or queue).
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "tuki/adapters/http/beast_client.hpp"
#include "tuki/core/http_message.hpp"

namespace boost::asio {
class io_context;
}

namespace tuki::adapters {

struct http_client_settings {
  long max_host_connections = 32;  // parallel requests to one gateway
  long timeout_ms = 15'000;        // whole request
  long connect_timeout_ms = 5'000;
};

class http_client {
 public:
  /// `transport_error` is empty when an HTTP answer arrived (of any status).
  using callback = std::function<void(core::http_response response, std::string transport_error)>;

  explicit http_client(http_client_settings settings = {});
  /// Plain http:// requests run on `io` (run by the owner, who keeps it alive as long as this
  /// client); stop() then does not wait for them: the owner waits for in_flight() to reach 0.
  http_client(http_client_settings settings, boost::asio::io_context& io);
  ~http_client();
  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  void start();
  /// Finishes requests in flight (bounded by their timeouts), then stops (see the constructors for
  /// plain http:// requests on the owner's io_context).
  void stop();
  /// `request.target` is the full URL. Methods: GET, POST, PUT. Plain http:// URLs without user
  /// info are sent by the Beast client, every other URL by libcurl.
  void submit(core::http_request request, callback done);
  std::size_t in_flight() const;

 private:
  struct pending;
  void run();

  http_client_settings settings_;
  beast_client plain_;  // http:// requests; its own thread or the owner's io_context
  void* multi_ = nullptr;  // CURLM*, owned by the client thread once started
  mutable std::mutex mutex_;
  std::deque<pending*> queue_;
  std::size_t in_flight_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace tuki::adapters
