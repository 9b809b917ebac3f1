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

namespace tuki::testing {

class silent_server {
 public:
  silent_server() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(fd_, 16) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port_ = ntohs(addr.sin_port);
  }
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
