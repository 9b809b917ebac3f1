#pragma once
// Raw HTTP/1.1 over loopback for server tests: bytes exactly as written (malformed requests,
// HEAD, several requests on one connection), answers exactly as the server sent them.
#include <utility>  // before Asio's coroutine headers

#include <chrono>
#include <cstdint>
#include <string>

#include <poll.h>
#include <sys/socket.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

namespace tuki::testing {

// A loopback client socket, open (its descriptor taken) from construction. A read gives up
// after `wait` without a byte (Asio's blocking reads ignore SO_RCVTIMEO, so these poll).
struct raw_client {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket s{io};
  std::chrono::milliseconds wait{5000};

  raw_client() { s.open(boost::asio::ip::tcp::v4()); }
  void connect(std::uint16_t port) {
    s.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  }
  /// Writes all of `bytes`; false when the server closed the connection first.
  bool send(const std::string& bytes) {
    boost::system::error_code ec;
    boost::asio::write(s, boost::asio::buffer(bytes), ec);
    return !ec;
  }
  /// One response with a Content-Length body (none for HEAD), or what came before the server
  /// closed, the read failed or `wait` passed.
  std::string response(bool head = false) {
    std::string out;
    while (true) {
      auto end = out.find("\r\n\r\n");
      if (end != std::string::npos) {
        auto cl = out.find("Content-Length: ");
        std::size_t length = cl < end && !head ? std::stoul(out.substr(cl + 16)) : 0;
        if (out.size() >= end + 4 + length) return out;
      }
      if (!read_some(out)) return out;
    }
  }
  /// Everything until the server closes (a reset after its answer is also the end), the read
  /// fails or `wait` passes.
  std::string until_closed() {
    std::string out;
    while (read_some(out)) {
    }
    return out;
  }

 private:
  bool read_some(std::string& out) {
    pollfd p{s.native_handle(), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(wait.count())) != 1) return false;
    char buf[4096];
    auto n = ::recv(s.native_handle(), buf, sizeof buf, 0);
    if (n <= 0) return false;
    out.append(buf, static_cast<std::size_t>(n));
    return true;
  }
};

// Sends `bytes` on a new loopback connection and returns everything the server writes until it
// closes the connection (or 5 s pass without a byte).
inline std::string exchange_raw(std::uint16_t port, const std::string& bytes) {
  raw_client c;
  c.connect(port);
  c.send(bytes);  // the server may answer and close before it has read everything
  return c.until_closed();
}

}  // namespace tuki::testing
