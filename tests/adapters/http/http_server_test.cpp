#include <utility>  // before Asio's coroutine headers

#include <future>
#include <thread>

#include <sys/socket.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <catch2/catch.hpp>

#include "tuki/adapters/http/http_client.hpp"
#include "tuki/adapters/http/http_server.hpp"

using namespace tuki;
using namespace tuki::adapters;

namespace {

struct reply {
  core::http_response response;
  std::string error;
};

reply fetch(http_client& client, core::http_request req) {
  std::promise<reply> p;
  client.submit(std::move(req), [&p](core::http_response r, std::string e) {
    p.set_value({std::move(r), std::move(e)});
  });
  return p.get_future().get();
}

}  // namespace

TEST_CASE("server routes requests, enforces the body limit, and the client keeps up", "[http]") {
  boost::asio::io_context io;
  router routes;
  routes.add("GET", "/v1/gateways/{name}/inbound", "inbound",
             [](const core::http_request& req, const route_params& p)
                 -> boost::asio::awaitable<core::http_response> {
               co_return core::http_response::text(200, p.at("name") + "|" + std::string(req.query()));
             });
  routes.add("POST", "/echo", "echo",
             [](const core::http_request& req, const route_params&)
                 -> boost::asio::awaitable<core::http_response> {
               co_return core::http_response::text(201, req.body);
             });
  std::vector<std::pair<std::string, int>> observed;
  std::vector<std::chrono::nanoseconds> took;
  http_server_settings settings;
  settings.port = 0;
  settings.body_limit = 1024;
  http_server server(io, settings, routes,
                     [&observed, &took](const std::string& r, int s, std::chrono::nanoseconds d) {
                       observed.emplace_back(r, s);
                       took.push_back(d);
                     });
  REQUIRE(server.start().is_ok());
  auto port = server.port();
  REQUIRE(port != 0);
  std::thread t([&io] { io.run(); });
  http_client client;
  client.start();
  std::string base = "http://127.0.0.1:" + std::to_string(port);

  auto r1 = fetch(client, {"GET", base + "/v1/gateways/kannel/inbound?from=%2B358&text=hei", {}, "", ""});
  CHECK(r1.error.empty());
  CHECK(r1.response.status == 200);
  CHECK(r1.response.body == "kannel|from=%2B358&text=hei");

  auto r2 = fetch(client, {"POST", base + "/echo", {{"Content-Type", "text/plain"}}, "Hyvää päivää", ""});
  CHECK(r2.response.status == 201);
  CHECK(r2.response.body == "Hyvää päivää");

  auto big = fetch(client, {"POST", base + "/echo", {}, std::string(5000, 'x'), ""});
  CHECK(big.response.status == 413);

  CHECK(fetch(client, {"GET", base + "/nope", {}, "", ""}).response.status == 404);
  CHECK(fetch(client, {"GET", base + "/echo", {}, "", ""}).response.status == 405);

  // Many concurrent requests over kept-alive connections all get answers.
  std::vector<std::promise<int>> ps(200);
  for (std::size_t i = 0; i < ps.size(); ++i)
    client.submit({"GET", base + "/v1/gateways/g/inbound?i=" + std::to_string(i), {}, "", ""},
                  [&ps, i](core::http_response r, std::string) { ps[i].set_value(r.status); });
  int ok = 0;
  for (auto& p : ps) ok += p.get_future().get() == 200;
  CHECK(ok == 200);

  auto closed = fetch(client, {"GET", "http://127.0.0.1:1/", {}, "", ""});
  CHECK_FALSE(closed.error.empty());
  CHECK(closed.response.status == 0);

  std::promise<void> stopped;
  server.stop([&stopped] { stopped.set_value(); });
  CHECK(stopped.get_future().wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  client.stop();
  io.stop();
  t.join();
  bool saw_inbound = false;
  for (auto& [route, st] : observed) saw_inbound |= (route == "inbound" && st == 200);
  CHECK(saw_inbound);
  // Each response reports how long it took from the request read to the response written.
  REQUIRE(took.size() == observed.size());
  for (auto d : took) CHECK(d > std::chrono::nanoseconds::zero());
}

namespace {

// Sends `bytes` on a new loopback connection and returns everything the server writes until it
// closes the connection (or 5 s pass).
std::string exchange_raw(std::uint16_t port, const std::string& bytes) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket s(io);
  s.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  timeval tv{5, 0};
  ::setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  boost::system::error_code ec;
  boost::asio::write(s, boost::asio::buffer(bytes), ec);
  std::string out;
  char buf[4096];
  while (true) {
    auto n = s.read_some(boost::asio::buffer(buf), ec);
    out.append(buf, n);
    if (ec) break;  // eof when the server closes; a reset after its answer is also the end
  }
  return out;
}

}  // namespace

TEST_CASE("server answers 400 with a reason to requests it cannot parse, then closes",
          "[http]") {
  boost::asio::io_context io;
  router routes;
  routes.add("POST", "/echo", "echo",
             [](const core::http_request& req, const route_params&)
                 -> boost::asio::awaitable<core::http_response> {
               co_return core::http_response::text(201, req.body);
             });
  std::vector<int> observed;
  http_server_settings settings;
  settings.port = 0;
  settings.body_limit = 1024;
  http_server server(io, settings, routes,
                     [&observed](const std::string&, int s, std::chrono::nanoseconds) {
                       observed.push_back(s);
                     });
  REQUIRE(server.start().is_ok());
  std::thread t([&io] { io.run(); });
  const std::string head = "POST /echo HTTP/1.1\r\nHost: tuki\r\n";

  struct row {
    std::string request;
    std::string status_line;
    std::string body;
  };
  std::vector<row> rows{
      {head + "Content-Length: abc\r\n\r\nhello", "HTTP/1.1 400 Bad Request", "bad Content-Length\n"},
      {head + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", "HTTP/1.1 400 Bad Request",
       "bad Content-Length\n"},
      {head + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
       "HTTP/1.1 400 Bad Request", "bad chunk\n"},
      {head + "Bad Field: x\r\nContent-Length: 0\r\n\r\n", "HTTP/1.1 400 Bad Request", "bad field\n"},
      {head + "X-Value: a\x01z\r\nContent-Length: 0\r\n\r\n", "HTTP/1.1 400 Bad Request",
       "bad value\n"},
      {"GET /echo HTTP/9.9\r\nHost: tuki\r\n\r\n", "HTTP/1.1 400 Bad Request", "bad version\n"},
      {head + "Content-Length: 5000\r\n\r\n" + std::string(5000, 'x'),
       "HTTP/1.1 413 Payload Too Large", "request body over 1024 bytes\n"},
      // A well-formed request on the same kind of connection is still served.
      {head + "Content-Length: 2\r\nConnection: close\r\n\r\nok", "HTTP/1.1 201 Created", "ok"},
  };
  for (const auto& r : rows) {
    INFO(r.request);
    auto answer = exchange_raw(server.port(), r.request);
    CHECK_THAT(answer, Catch::StartsWith(r.status_line + "\r\n"));
    CHECK_THAT(answer, Catch::EndsWith("\r\n\r\n" + r.body));
  }
  CHECK(observed == std::vector<int>{400, 400, 400, 400, 400, 400, 413, 201});

  std::promise<void> stopped;
  server.stop([&stopped] { stopped.set_value(); });
  CHECK(stopped.get_future().wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  io.stop();
  t.join();
}
