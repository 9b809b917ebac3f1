#pragma once
// A TCP server on 127.0.0.1 (port 0) that takes connections (the kernel's backlog) and never
// answers: a peer that hangs (a gateway, a mail server). A client's request waits until the test
// ends its connection (the client then sees the connection close) or stops the server.
#include <string>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "support/loopback_listener.hpp"

namespace tuki::testing {

class silent_server {
 public:
  silent_server() { fd_ = listen_on_loopback(port_); }
  ~silent_server() { stop(); }
  silent_server(const silent_server&) = delete;
  silent_server& operator=(const silent_server&) = delete;

  int port() const { return port_; }
  /// Ends the oldest waiting connection; false when none came within 10 s.
  bool drop_one() {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 10'000) != 1) return false;
    int c = ::accept(fd_, nullptr, nullptr);
    if (c < 0) return false;
    ::close(c);
    return true;
  }
  /// Whether a connection waits to be answered (one that drop_one did not end), within 10 s.
  bool wait_for_connection() {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, 10'000) == 1;
  }
  /// Closes the server: waiting connections are reset, new ones refused.
  void stop() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace tuki::testing
