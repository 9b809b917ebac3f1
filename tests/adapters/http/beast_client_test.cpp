#include <utility>  // before Asio's coroutine headers (Boost 1.74 with GCC 12)

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>

#include "tuki/adapters/http/beast_client.hpp"
#include "tuki/adapters/http/http_client.hpp"

using namespace tuki;
using namespace tuki::adapters;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

namespace {

enum class server_mode {
  keep_alive,           // HTTP/1.1, connection kept
  close_each,           // answers with "Connection: close" and closes
  http10,               // answers as HTTP/1.0 without keep-alive and closes
  drop_after_answer,    // answers as if keeping the connection, then closes it at once
  drop_without_answer,  // reads the request and closes without a byte of answer
  never_answer,         // reads the request and stays silent
};

// A loopback HTTP server on its own thread that echoes "METHOD TARGET BODY" and counts what it
// sees. Counters are read by the test thread after the client has called back.
class test_server {
 public:
  explicit test_server(server_mode mode, long delay_ms = 0)
      : mode_(mode), delay_ms_(delay_ms),
        acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    asio::co_spawn(io_, accept_loop(), asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~test_server() {
    io_.stop();
    thread_.join();
  }
  std::string url(const std::string& target = "/") const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + target;
  }
  std::vector<bhttp::request<bhttp::string_body>> seen() {
    std::lock_guard lock(mutex_);
    return seen_;
  }

  std::atomic<int> accepted{0};
  std::atomic<int> requests{0};
  std::atomic<int> max_live{0};

 private:
  asio::awaitable<void> accept_loop() {
    while (true) {
      beast::error_code ec;
      tcp::socket s = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      ++accepted;
      asio::co_spawn(io_, session(std::move(s)), asio::detached);
    }
  }

  asio::awaitable<void> session(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    beast::error_code ec;
    ++live_;
    if (live_ > max_live) max_live = live_;
    while (true) {
      bhttp::request<bhttp::string_body> req;
      co_await bhttp::async_read(stream, buffer, req, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      ++requests;
      {
        std::lock_guard lock(mutex_);
        seen_.push_back(req);
      }
      if (mode_ == server_mode::drop_without_answer) break;
      if (mode_ == server_mode::never_answer || delay_ms_ > 0) {
        asio::steady_timer t(io_);
        t.expires_after(std::chrono::milliseconds(
            mode_ == server_mode::never_answer ? 3'600'000 : delay_ms_));
        co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      }
      unsigned version = mode_ == server_mode::http10 ? 10 : 11;
      bhttp::response<bhttp::string_body> res{bhttp::status::accepted, version};
      res.set(bhttp::field::content_type, "text/x-echo");
      res.set("X-Echo", req["X-Test"]);
      res.body() = std::string(req.method_string()) + " " + std::string(req.target()) + " " +
                   req.body();
      res.keep_alive(mode_ != server_mode::close_each && mode_ != server_mode::http10);
      res.prepare_payload();
      co_await bhttp::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
      if (ec || mode_ != server_mode::keep_alive) break;
    }
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream.close();
    --live_;
  }

  server_mode mode_;
  long delay_ms_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  int live_ = 0;  // server thread only
  std::mutex mutex_;
  std::vector<bhttp::request<bhttp::string_body>> seen_;
  std::thread thread_;
};

struct reply {
  core::http_response response;
  std::string error;
};

// Submits `req`; the future gets what the callback got.
template <class Client>
std::future<reply> ask(Client& client, core::http_request req) {
  // Shared with the callback, which may still be inside set_value when get() returns.
  auto p = std::make_shared<std::promise<reply>>();
  auto answer = p->get_future();
  client.submit(std::move(req), [p](core::http_response r, std::string e) {
    p->set_value({std::move(r), std::move(e)});
  });
  return answer;
}

template <class Client>
reply fetch(Client& client, core::http_request req) {
  return ask(client, std::move(req)).get();
}

core::http_request get(const std::string& url) { return {"GET", url, {}, "", ""}; }

// Submits `n` GETs to url + "/i" at once; returns the replies in submission order. The state the
// callbacks touch is shared with them: the last callback may still be unlocking the mutex or
// returning from set_value when this function has returned.
std::vector<reply> fetch_many(beast_client& client, const test_server& server, int n) {
  struct shared {
    std::mutex m;
    std::vector<reply> out;
    int left = 0;
    std::promise<void> all;
  };
  auto st = std::make_shared<shared>();
  st->out.resize(static_cast<std::size_t>(n));
  st->left = n;
  auto all = st->all.get_future();
  for (int i = 0; i < n; ++i) {
    client.submit(get(server.url("/r" + std::to_string(i))),
                  [st, i](core::http_response r, std::string e) {
                    bool last;
                    {
                      std::lock_guard lock(st->m);
                      st->out[static_cast<std::size_t>(i)] = {std::move(r), std::move(e)};
                      last = --st->left == 0;
                    }
                    if (last) st->all.set_value();
                  });
  }
  all.get();
  std::lock_guard lock(st->m);
  return std::move(st->out);
}

// The longest a test waits for a callback that should come: a client that never calls back fails
// the test rather than hanging it.
constexpr auto patience = std::chrono::seconds(10);
// A name resolution delayed this long (test_resolve_delay_ms) stands for one that hangs: it is
// still pending when every test that uses it has ended.
constexpr long hung_ms = 30'000;

int closed_port() {
  asio::io_context io;
  tcp::acceptor a(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return a.local_endpoint().port();  // closed when `a` goes out of scope
}

}  // namespace

TEST_CASE("many concurrent requests are all answered with their own bodies", "[beast_client]") {
  test_server server(server_mode::keep_alive);
  beast_client_settings s;
  s.max_host_connections = 8;
  beast_client client(s);
  client.start();
  auto replies = fetch_many(client, server, 300);
  for (std::size_t i = 0; i < replies.size(); ++i) {
    CAPTURE(i, replies[i].error);
    CHECK(replies[i].error.empty());
    CHECK(replies[i].response.status == 202);
    CHECK(replies[i].response.body == "GET /r" + std::to_string(i) + " ");
    CHECK(replies[i].response.content_type == "text/x-echo");
  }
  CHECK(server.requests == 300);
  CHECK(server.accepted <= 8);
  client.stop();  // a callback returns just after it handed the result on
  CHECK(client.in_flight() == 0);
}

TEST_CASE("sequential requests reuse one connection", "[beast_client]") {
  test_server server(server_mode::keep_alive);
  beast_client client;
  client.start();
  for (int i = 0; i < 20; ++i) {
    auto r = fetch(client, get(server.url("/seq")));
    REQUIRE(r.error.empty());
    CHECK(r.response.body == "GET /seq ");
  }
  CHECK(server.accepted == 1);
}

TEST_CASE("concurrent requests open at most max_host_connections", "[beast_client]") {
  test_server server(server_mode::keep_alive, 5);
  beast_client_settings s;
  s.max_host_connections = 4;
  beast_client client(s);
  client.start();
  auto replies = fetch_many(client, server, 40);
  int ok = 0;
  for (const auto& r : replies) ok += r.error.empty() && r.response.status == 202;
  CHECK(ok == 40);
  CHECK(server.accepted <= 4);
  CHECK(server.max_live <= 4);
}

TEST_CASE("servers that close after each answer still serve the next requests",
          "[beast_client]") {
  auto mode = GENERATE(server_mode::close_each, server_mode::http10);
  CAPTURE(static_cast<int>(mode));
  test_server server(mode);
  beast_client client;
  client.start();
  for (int i = 0; i < 5; ++i) {
    auto r = fetch(client, get(server.url("/c")));
    CAPTURE(i, r.error);
    CHECK(r.error.empty());
    CHECK(r.response.body == "GET /c ");
  }
  CHECK(server.accepted == 5);
  CHECK(server.requests == 5);
}

TEST_CASE("a kept-alive connection the server closed is replaced and the request retried once",
          "[beast_client]") {
  test_server server(server_mode::drop_after_answer);
  beast_client client;
  client.start();
  for (int i = 0; i < 4; ++i) {
    auto r = fetch(client, get(server.url("/d" + std::to_string(i))));
    CAPTURE(i, r.error);
    CHECK(r.error.empty());
    CHECK(r.response.body == "GET /d" + std::to_string(i) + " ");
  }
  CHECK(server.accepted == 4);
  CHECK(server.requests == 4);  // each request processed once
}

TEST_CASE("a fresh connection closed without an answer is an error, not retried",
          "[beast_client]") {
  test_server server(server_mode::drop_without_answer);
  beast_client client;
  client.start();
  auto r = fetch(client, get(server.url("/x")));
  CHECK_FALSE(r.error.empty());
  CHECK(r.response.status == 0);
  CHECK(server.requests == 1);
}

TEST_CASE("connection refused is a transport error", "[beast_client]") {
  beast_client client;
  client.start();
  auto port = closed_port();
  auto r = fetch(client, get("http://127.0.0.1:" + std::to_string(port) + "/"));
  CHECK_THAT(r.error, Catch::Contains("refused"));
  CHECK(r.response.status == 0);
}

TEST_CASE("a header that would split the request is an error and nothing is sent",
          "[beast_client]") {
  test_server server(server_mode::keep_alive);
  beast_client client;
  client.start();
  auto r = fetch(client, core::http_request{"GET", server.url("/x"),
                                            {{"X-Test", "a\r\nX-Injected: 1"}}, "", ""});
  CHECK_THAT(r.error, Catch::Contains("line break"));
  CHECK(r.response.status == 0);
  auto ok = fetch(client, get(server.url("/y")));
  CHECK(ok.error.empty());
  CHECK(server.requests == 1);  // only the second request reached the server
  CHECK(server.accepted == 1);
}

TEST_CASE("an answer whose body comes after its header, in pieces, is read whole",
          "[beast_client]") {
  // A raw server writes the answer in parts 20 ms apart, so the client has only part of the
  // body buffered with the header (or none of it): Content-Length and chunked bodies.
  for (bool chunked : {false, true}) {
    for (bool part_with_header : {false, true}) {
      CAPTURE(chunked, part_with_header);
      asio::io_context sio;
      tcp::acceptor acceptor(sio, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
      const auto port = acceptor.local_endpoint().port();
      const std::string head = chunked ? "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                       : "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n";
      const std::string one = chunked ? "5\r\nhello\r\n" : "hello";
      const std::string two = chunked ? "5\r\nworld\r\n0\r\n\r\n" : "world";
      const std::vector<std::string> parts =
          part_with_header ? std::vector<std::string>{head + one, two}
                           : std::vector<std::string>{head, one, two};
      std::thread server([&] {
        tcp::socket s(sio);
        acceptor.accept(s);
        std::string request;
        asio::read_until(s, asio::dynamic_buffer(request), "\r\n\r\n");
        for (const auto& part : parts) {
          asio::write(s, asio::buffer(part));
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
      });
      beast_client client;
      client.start();
      auto r = fetch(client, get("http://127.0.0.1:" + std::to_string(port) + "/x"));
      server.join();
      CHECK(r.error.empty());
      CHECK(r.response.status == 200);
      CHECK(r.response.body == "helloworld");
    }
  }
}

TEST_CASE("a server that never answers gives a timeout error", "[beast_client]") {
  test_server server(server_mode::never_answer);
  beast_client_settings s;
  s.timeout_ms = 300;
  beast_client client(s);
  client.start();
  auto r = fetch(client, get(server.url("/slow")));
  CHECK_THAT(r.error, Catch::Contains("timed out"));
  CHECK(server.requests == 1);
}

TEST_CASE("a name resolution that hangs fails the request at the connect timeout",
          "[beast_client]") {
  struct limits {
    long timeout_ms;
    long connect_timeout_ms;
    std::string error;
  };
  // The connect timeout, or the request's timeout where that is shorter.
  for (const auto& l :
       {limits{15'000, 150, "resolve 127.0.0.1: timed out after 150 ms"},
        limits{150, 5'000, "resolve 127.0.0.1: timed out after 150 ms (the request's timeout)"}}) {
    CAPTURE(l.timeout_ms, l.connect_timeout_ms);
    beast_client_settings s;
    s.timeout_ms = l.timeout_ms;
    s.connect_timeout_ms = l.connect_timeout_ms;
    s.test_resolve_delay_ms = [] { return hung_ms; };
    beast_client client(s);
    client.start();
    auto answer = ask(client, get("http://127.0.0.1:" + std::to_string(closed_port()) + "/x"));
    REQUIRE(answer.wait_for(patience) == std::future_status::ready);
    auto r = answer.get();
    CHECK(r.error == l.error);
    CHECK(r.response.status == 0);
  }
}

TEST_CASE("a resolver's answer that comes after the request timed out is dropped",
          "[beast_client]") {
  test_server server(server_mode::keep_alive);
  asio::io_context io;
  beast_client_settings s;
  s.connect_timeout_ms = 100;
  s.test_resolve_delay_ms = [] { return 300L; };  // then the real answer for 127.0.0.1
  beast_client client(s, io);
  client.start();
  int calls = 0;
  std::string error;
  client.submit(get(server.url("/late")), [&](core::http_response, std::string e) {
    ++calls;
    error = e;
    client.stop();  // the connection ends; the late answer is the io_context's last work
  });
  io.run_for(patience);
  CHECK(io.stopped());  // out of work: the late answer has come and gone
  CHECK(calls == 1);
  CHECK(error == "resolve 127.0.0.1: timed out after 100 ms");
  CHECK(server.accepted == 0);
  CHECK(client.in_flight() == 0);
}

TEST_CASE("after a name resolution timed out, the next request resolves again and is sent",
          "[beast_client]") {
  test_server server(server_mode::keep_alive);
  beast_client_settings s;
  s.connect_timeout_ms = 150;
  auto resolutions = std::make_shared<int>(0);  // counted on the client's thread
  s.test_resolve_delay_ms = [resolutions] { return ++*resolutions == 1 ? hung_ms : 0L; };
  beast_client client(s);
  client.start();
  auto failed = ask(client, get(server.url("/1")));
  REQUIRE(failed.wait_for(patience) == std::future_status::ready);
  CHECK_THAT(failed.get().error, Catch::StartsWith("resolve 127.0.0.1: timed out"));
  auto sent = ask(client, get(server.url("/2")));
  REQUIRE(sent.wait_for(patience) == std::future_status::ready);
  auto r = sent.get();
  CHECK(r.error.empty());
  CHECK(r.response.body == "GET /2 ");
  CHECK(server.requests == 1);
}

TEST_CASE("stop while a name resolution hangs ends the request with an error and returns",
          "[beast_client]") {
  beast_client_settings s;
  s.connect_timeout_ms = 150;
  s.test_resolve_delay_ms = [] { return hung_ms; };
  beast_client client(s);
  client.start();
  auto answer = ask(client, get("http://127.0.0.1:" + std::to_string(closed_port()) + "/x"));
  // stop() waits for the request, which ends at its connect timeout, not for the resolver.
  auto stopped = std::async(std::launch::async, [&client] { client.stop(); });
  CHECK(stopped.wait_for(patience) == std::future_status::ready);
  REQUIRE(answer.wait_for(patience) == std::future_status::ready);
  CHECK_THAT(answer.get().error, Catch::StartsWith("resolve 127.0.0.1: timed out"));
  CHECK(client.in_flight() == 0);
}

TEST_CASE("answers over the body limit are errors", "[beast_client]") {
  test_server server(server_mode::keep_alive);
  beast_client_settings s;
  s.body_limit = 16;
  beast_client client(s);
  client.start();
  auto r = fetch(client, core::http_request{"POST", server.url("/big"), {}, std::string(64, 'x'), ""});
  CAPTURE(r.response.status, r.response.body);
  CHECK_THAT(r.error, Catch::Contains("body over 16 bytes"));
}

TEST_CASE("POST body, headers, Host and User-Agent arrive as sent", "[beast_client]") {
  test_server server(server_mode::keep_alive);
  beast_client client;
  client.start();
  std::string body = "{\"to\":\"+358401234567\",\"text\":\"Hei \xc3\xa4\"}";
  core::http_request req{"POST", server.url("/v1/sms?x=1"),
                         {{"Content-Type", "application/json"}, {"X-Test", "abc"},
                          {"Authorization", "Bearer t0k"}},
                         body, ""};
  auto r = fetch(client, req);
  REQUIRE(r.error.empty());
  CHECK(r.response.header("X-Echo") == "abc");
  auto put = fetch(client, core::http_request{"PUT", server.url("/p"), {}, "v", ""});
  CHECK(put.response.body == "PUT /p v");
  auto seen = server.seen();
  REQUIRE(seen.size() == 2);
  const auto& got = seen[0];
  CHECK(got.method() == bhttp::verb::post);
  CHECK(got.target() == "/v1/sms?x=1");
  CHECK(got.body() == body);
  CHECK(got[bhttp::field::content_type] == "application/json");
  CHECK(got[bhttp::field::authorization] == "Bearer t0k");
  CHECK(got[bhttp::field::content_length] == std::to_string(body.size()));
  CHECK(got[bhttp::field::user_agent] == "tuki");
  CHECK(got[bhttp::field::host] == server.url("").substr(7));
}

TEST_CASE("stop finishes the requests in flight", "[beast_client]") {
  test_server server(server_mode::keep_alive, 20);
  beast_client_settings s;
  s.max_host_connections = 2;
  beast_client client(s);
  client.start();
  std::atomic<int> answered{0};
  for (int i = 0; i < 10; ++i)
    client.submit(get(server.url("/s")), [&answered](core::http_response r, std::string e) {
      if (e.empty() && r.status == 202) ++answered;
    });
  client.stop();
  CHECK(answered == 10);
  CHECK(client.in_flight() == 0);
}

TEST_CASE("http_client sends http:// through Beast and https:// through curl", "[beast_client]") {
  test_server server(server_mode::keep_alive);
  http_client client;
  client.start();
  auto ok = fetch(client, get(server.url("/plain")));
  CHECK(ok.error.empty());
  CHECK(ok.response.body == "GET /plain ");
  auto port = std::to_string(closed_port());
  auto plain = fetch(client, get("http://127.0.0.1:" + port + "/"));
  CHECK_THAT(plain.error, Catch::StartsWith("connect to 127.0.0.1:" + port));
  auto tls = fetch(client, get("https://127.0.0.1:" + port + "/"));
  CAPTURE(tls.error);
  CHECK_FALSE(tls.error.empty());
  CHECK_THAT(tls.error, !Catch::StartsWith("connect to"));  // curl's wording, not Beast's
  CHECK_THAT(tls.error, Catch::Contains(port));
  client.stop();
  CHECK(client.in_flight() == 0);
}

TEST_CASE("on its owner's io_context the client runs on the owner's thread and stops without "
          "blocking it", "[beast_client]") {
  test_server server(server_mode::keep_alive);
  asio::io_context io;
  beast_client_settings s;
  s.max_host_connections = 4;
  beast_client client(s, io);
  client.start();
  const int n = 40;
  int answered = 0;
  int elsewhere = 0;  // callbacks not on the thread running `io`
  std::vector<std::string> bodies(n);
  const auto owner = std::this_thread::get_id();
  for (int i = 0; i < n; ++i)
    client.submit(get(server.url("/o" + std::to_string(i))),
                  [&, i](core::http_response r, std::string e) {
                    if (std::this_thread::get_id() != owner) ++elsewhere;
                    if (e.empty() && r.status == 202) bodies[static_cast<std::size_t>(i)] = r.body;
                    // stop() only asks: the idle connections close and io.run() returns.
                    if (++answered == n) client.stop();
                  });
  CHECK(client.in_flight() == static_cast<std::size_t>(n));  // nothing runs until io does
  io.run();  // returns once every connection has closed
  CHECK(answered == n);
  CHECK(elsewhere == 0);
  for (int i = 0; i < n; ++i) CHECK(bodies[static_cast<std::size_t>(i)] == "GET /o" + std::to_string(i) + " ");
  CHECK(server.accepted <= 4);
  CHECK(client.in_flight() == 0);
}
