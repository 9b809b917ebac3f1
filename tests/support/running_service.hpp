#pragma once
// The whole service running on a thread of its own (HTTP on a loopback port 0), with an HTTP
// client for it; stop() (or the destructor) stops both and waits for the service to finish.
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "tuki/adapters/http/http_client.hpp"
#include "tuki/app/service.hpp"

namespace tuki::testing {

struct running_service {
  std::unique_ptr<app::service> svc;
  std::thread runner;
  adapters::http_client client;
  std::string base;  // "http://127.0.0.1:<port>"

  explicit running_service(const config::config& cfg) {
    auto created = app::service::create(cfg);
    INFO(created.error().to_string());
    REQUIRE(created);
    svc = std::move(*created);
    runner = std::thread([this] { svc->run(); });
    while (svc->port() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    client.start();
    base = "http://127.0.0.1:" + std::to_string(svc->port());
  }
  void stop() {
    if (!runner.joinable()) return;
    svc->request_stop();
    runner.join();
    client.stop();
  }
  ~running_service() { stop(); }
  running_service(const running_service&) = delete;
  running_service& operator=(const running_service&) = delete;
};

}  // namespace tuki::testing
