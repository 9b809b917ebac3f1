// Bare Boost.Beast coroutine HTTP server on one thread, used twice by the benchmarks:
//  - P1 baseline: answers 200 "OK" to anything; tuki's inbound path is measured against it under
//    the same wrk load in the same run.
//  - P2 zero-cost gateway: with --kannel it answers like Kannel's sendsms (202 "0: Accepted for
//    delivery") and counts requests, so tuki's outbox can send a campaign to it.
//  - Rate-limit check: with --per-second FILE it appends "SECOND COUNT" to FILE once a second
//    (SECOND counts from the server's start on the steady clock, without drift; COUNT is the
//    requests answered during that second), flushed each time so a script can read it live.
// Usage: bench_bare_server PORT [--kannel] [--per-second FILE]
#include <utility>  // before Asio's coroutine headers (Boost 1.74 with GCC 12)

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <iostream>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

static bool kannel_mode = false;
static std::uint64_t served = 0;

asio::awaitable<void> session(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  beast::error_code ec;
  for (;;) {
    http::request<http::string_body> req;
    co_await http::async_read(stream, buffer, req, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    ++served;
    http::response<http::string_body> res{kannel_mode ? http::status::accepted : http::status::ok,
                                          req.version()};
    res.set(http::field::content_type, "text/plain");
    res.keep_alive(req.keep_alive());
    res.body() = kannel_mode ? "0: Accepted for delivery" : "OK";
    res.prepare_payload();
    co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
    if (ec || !res.keep_alive()) break;
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

asio::awaitable<void> listen(tcp::acceptor& acceptor) {
  for (;;) {
    beast::error_code ec;
    auto socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    asio::co_spawn(acceptor.get_executor(), session(std::move(socket)), asio::detached);
  }
}

/// Writes the requests answered in each second since `start` to `out`, one line per second.
asio::awaitable<void> count_per_second(std::ofstream& out) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  const auto start = std::chrono::steady_clock::now();
  std::uint64_t before = served;
  for (std::uint64_t second = 1;; ++second) {
    timer.expires_at(start + std::chrono::seconds(second));
    beast::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    out << second << ' ' << served - before << std::endl;
    before = served;
  }
}

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: bench_bare_server PORT [--kannel] [--per-second FILE]\n";
    return 2;
  }
  std::ofstream per_second;
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--kannel") {
      kannel_mode = true;
    } else if (arg == "--per-second" && i + 1 < argc) {
      per_second.open(argv[++i]);
      if (!per_second) {
        std::cerr << "cannot write " << argv[i] << "\n";
        return 2;
      }
    } else {
      std::cerr << "unknown argument " << arg << "\n";
      return 2;
    }
  }
  asio::io_context io{1};
  tcp::acceptor acceptor(io);
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(std::atoi(argv[1])));
  acceptor.open(ep.protocol());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  acceptor.bind(ep);
  acceptor.listen(4096);
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](auto, auto) { io.stop(); });
  asio::co_spawn(io, listen(acceptor), asio::detached);
  if (per_second.is_open()) asio::co_spawn(io, count_per_second(per_second), asio::detached);
  io.run();
  std::cout << served << "\n";
}
