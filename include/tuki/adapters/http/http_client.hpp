#pragma once
// Outbound HTTP, never on the I/O thread: plain http:// URLs go to a Boost.Beast client
// (beast_client, a fraction of libcurl's CPU per request); https:// and anything else go to
// libcurl's multi interface on a thread of its own. Both keep connections alive and reuse them
// per host (a gateway sees a few long-lived connections, not one per SMS), at most
// max_host_connections each. Thread-safety: submit() from any thread; callbacks run on one of the
// client's threads and must only hand the result on (post it to its owner's executor or queue).
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "tuki/adapters/http/beast_client.hpp"
#include "tuki/core/http_message.hpp"

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
  ~http_client();
  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  void start();
  /// Finishes requests in flight (bounded by their timeouts), then stops.
  void stop();
  /// `request.target` is the full URL. Methods: GET, POST, PUT. Plain http:// URLs without user
  /// info are sent by the Beast client, every other URL by libcurl.
  void submit(core::http_request request, callback done);
  std::size_t in_flight() const;

 private:
  struct pending;
  void run();

  http_client_settings settings_;
  beast_client plain_;  // http:// requests; its own thread
  void* multi_ = nullptr;  // CURLM*, owned by the client thread once started
  mutable std::mutex mutex_;
  std::deque<pending*> queue_;
  std::size_t in_flight_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace tuki::adapters
