#pragma once
// A Kannel-like sendsms endpoint on loopback (port 0) that accepts every SMS at once and records
// the texts (and senders) in the order they arrive, for tests of what the outbox sends and when.
// It takes Twilio's send too (POST /2010-04-01/Accounts/AC123/Messages.json, base url()'s
// origin()). Its own io_context thread; the destructor stops it.
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <catch2/catch.hpp>

#include "tuki/adapters/http/http_server.hpp"
#include "tuki/core/text/url_encoding.hpp"

namespace tuki::testing {

class sendsms_sink {
 public:
  sendsms_sink() {
    routes_.add(
        "GET", "/cgi-bin/sendsms", "sendsms",
        [this](const core::http_request& req,
               const adapters::route_params&) -> boost::asio::awaitable<core::http_response> {
          if (auto q = core::parse_form(req.query()))
            record(core::form_value(*q, "from").value_or(""),
                   core::form_value(*q, "text").value_or(""));
          co_return core::http_response::text(202, "0: Accepted for delivery\n");
        });
    routes_.add(
        "POST", "/2010-04-01/Accounts/AC123/Messages.json", "twilio",
        [this](const core::http_request& req,
               const adapters::route_params&) -> boost::asio::awaitable<core::http_response> {
          if (auto f = core::parse_form(req.body))
            record(core::form_value(*f, "From").value_or(""),
                   core::form_value(*f, "Body").value_or(""));
          co_return core::http_response{
              201, "application/json", R"({"sid":"SM1","status":"queued"})", {}};
        });
    server_ = std::make_unique<adapters::http_server>(
        io_, adapters::http_server_settings{"127.0.0.1", 0, 1 << 20, 5000, 64}, routes_,
        [](const std::string&, int, std::chrono::nanoseconds) {});
    REQUIRE(server_->start().is_ok());
    thread_ = std::thread([this] { io_.run(); });
  }
  ~sendsms_sink() {
    boost::asio::post(io_, [this] { server_->stop([this] { io_.stop(); }); });
    thread_.join();
  }
  sendsms_sink(const sendsms_sink&) = delete;
  sendsms_sink& operator=(const sendsms_sink&) = delete;

  std::string origin() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  std::string url() const { return origin() + "/cgi-bin/sendsms"; }
  /// The texts received so far, once there are at least `n` (bounded: 20 s).
  std::vector<std::string> wait_for(std::size_t n) {
    for (int i = 0; i < 400; ++i) {
      {
        std::lock_guard lock(mutex_);
        if (texts_.size() >= n) return texts_;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::lock_guard lock(mutex_);
    return texts_;
  }
  /// The senders ("from"), parallel to the texts.
  std::vector<std::string> senders() {
    std::lock_guard lock(mutex_);
    return senders_;
  }

 private:
  void record(std::string_view from, std::string_view text) {
    std::lock_guard lock(mutex_);
    senders_.emplace_back(from);
    texts_.emplace_back(text);
  }

  boost::asio::io_context io_{1};
  adapters::router routes_;
  std::unique_ptr<adapters::http_server> server_;
  std::mutex mutex_;
  std::vector<std::string> texts_, senders_;
  std::thread thread_;
};

}  // namespace tuki::testing
