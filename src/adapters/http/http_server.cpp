#include "tuki/adapters/http/http_server.hpp"

#include <utility>  // before Asio's coroutine headers (Boost 1.74 with GCC 12)

#include <atomic>
#include <list>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace tuki::adapters {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::awaitable;
using asio::use_awaitable;
using tcp = asio::ip::tcp;

namespace {

// What a client whose request Beast could not parse is told (400, then the connection closes),
// or nullptr when the read failed for another reason (closed, timed out, cancelled, a body over
// the limit) and nothing, or something else, is answered.
const char* malformed_request_reason(const beast::error_code& ec) {
  if (ec.category() != http::make_error_code(http::error::bad_method).category()) return nullptr;
  switch (static_cast<http::error>(ec.value())) {
    case http::error::header_limit:
      return "request header too large\n";  // 431
    case http::error::buffer_overflow: return "request too large\n";
    case http::error::bad_line_ending: return "bad line ending\n";
    case http::error::bad_method: return "bad method\n";
    case http::error::bad_target: return "bad target\n";
    case http::error::bad_version: return "bad version\n";
    case http::error::bad_field: return "bad field\n";
    case http::error::bad_value: return "bad value\n";
    case http::error::bad_content_length: return "bad Content-Length\n";
    case http::error::bad_transfer_encoding: return "bad Transfer-Encoding\n";
    case http::error::bad_chunk: return "bad chunk\n";
    case http::error::bad_chunk_extension: return "bad chunk extension\n";
    case http::error::bad_obs_fold: return "bad obs-fold\n";
    default: return nullptr;  // end_of_stream, partial_message, body_limit, ...
  }
}

// What malformed_request_reason's request is answered: 431 for a header section over the limit,
// else 400.
http::status malformed_request_status(const beast::error_code& ec) {
  return ec == http::error::header_limit ? http::status::request_header_fields_too_large
                                         : http::status::bad_request;
}

// After an error answer the rest of the request (a body over the limit, a header section cut
// short) may be unread: read and drop at most this much of it before closing (drain_unread).
constexpr std::size_t unread_drain_limit = 1 << 20;

// RFC 9112 6.3: a request whose final transfer coding is not chunked has no length the server
// can know, and tuki decodes no other coding; Beast would read "chunked, gzip" as a request
// without a body and the rest as the next request. So only exactly "chunked" (any case, one
// header) is taken.
bool transfer_encoding_refused(const http::fields& f) {
  auto [first, last] = f.equal_range(http::field::transfer_encoding);
  if (first == last) return false;
  return std::next(first) != last || !beast::iequals(first->value(), "chunked");
}

}  // namespace

struct http_server::impl : std::enable_shared_from_this<http_server::impl> {
  struct connection {
    beast::tcp_stream* stream = nullptr;
    bool busy = false;
  };

  asio::io_context& io;
  http_server_settings settings;
  const router& routes;
  http_observer observer;
  http_accept_observer accept_observer;
  tcp::acceptor acceptor;
  // The accept loop waits on it after a failed accept, and at max_connections until a session
  // ends (which cancels it then).
  asio::steady_timer accept_pause;
  bool at_cap = false;
  // Sessions accepted and not yet ended: counted from the accept, before the session's coroutine
  // first runs and joins `live`, so that a burst of connections cannot overshoot the cap.
  std::size_t sessions = 0;
  std::atomic<std::uint64_t> accept_failures{0};
  std::list<connection> live;
  bool stopping = false;
  std::function<void()> on_stopped;

  impl(asio::io_context& i, http_server_settings s, const router& r, http_observer o,
       http_accept_observer a)
      : io(i),
        settings(std::move(s)),
        routes(r),
        observer(std::move(o)),
        accept_observer(std::move(a)),
        acceptor(i),
        accept_pause(i) {}

  static core::http_request convert(http::request<http::string_body>& req, const std::string& remote) {
    core::http_request r;
    r.method = std::string(req.method_string());
    r.target = std::string(req.target());
    for (const auto& f : req) r.headers.push_back({std::string(f.name_string()), std::string(f.value())});
    r.body = std::move(req.body());
    r.remote_address = remote;
    return r;
  }

  awaitable<core::http_response> dispatch(const core::http_request& req, std::string& route_name) {
    auto m = routes.find(req.method, req.path());
    route_name = m.route_name;
    if (!m.handler) {
      auto r = core::http_response::text(
          m.status, m.status == 405 ? "method not allowed\n" : "no such resource\n");
      if (m.status == 405) r.headers.push_back({"Allow", m.allow});
      co_return r;
    }
    try {
      co_return co_await (*m.handler)(req, m.params);
    } catch (const std::exception&) {
      co_return core::http_response::text(500, "internal error\n");
    }
  }

  void maybe_finish() {
    if (stopping && live.empty() && on_stopped) {
      auto f = std::move(on_stopped);
      on_stopped = nullptr;
      f();
    }
  }

  awaitable<void> write_simple(beast::tcp_stream& stream, http::status st, std::string text) {
    http::response<http::string_body> res{st, 11};
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.keep_alive(false);
    res.body() = std::move(text);
    res.prepare_payload();
    beast::error_code ec;
    stream.expires_after(std::chrono::milliseconds(settings.read_timeout_ms));
    co_await http::async_write(stream, res, asio::redirect_error(use_awaitable, ec));
  }

  // Closing a socket with unread input sends a reset, and a client that gets it while still
  // sending may drop the error answer before reading it. So after an error answer stop sending,
  // then read and drop what the client still sends, until it closes, unread_drain_limit bytes
  // or at most 2 s (read_timeout_ms if shorter).
  awaitable<void> drain_unread(beast::tcp_stream& stream) {
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream.expires_after(std::chrono::milliseconds(std::min(settings.read_timeout_ms, 2000)));
    std::vector<char> scratch(16 * 1024);
    for (std::size_t drained = 0; !ec && drained < unread_drain_limit;)
      drained += co_await stream.async_read_some(asio::buffer(scratch),
                                                 asio::redirect_error(use_awaitable, ec));
  }

  awaitable<void> session(tcp::socket socket) {
    auto self = shared_from_this();
    beast::tcp_stream stream(std::move(socket));
    beast::error_code ec;
    std::string remote;
    auto ep = stream.socket().remote_endpoint(ec);
    if (!ec) remote = ep.address().to_string();
    auto me = live.insert(live.end(), connection{&stream, false});
    beast::flat_buffer buffer;
    while (!stopping) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(settings.body_limit);
      parser.header_limit(16 * 1024);
      stream.expires_after(std::chrono::milliseconds(settings.read_timeout_ms));
      co_await http::async_read_header(stream, buffer, parser,
                                       asio::redirect_error(use_awaitable, ec));
      const bool refused_coding = !ec && transfer_encoding_refused(parser.get());
      if (!ec && !refused_coding && !parser.is_done())
        co_await http::async_read(stream, buffer, parser, asio::redirect_error(use_awaitable, ec));
      const auto read_at = std::chrono::steady_clock::now();
      auto took = [&read_at] { return std::chrono::steady_clock::now() - read_at; };
      if (refused_coding) {
        co_await write_simple(stream, http::status::bad_request,
                              "Transfer-Encoding other than chunked\n");
        if (observer) observer("unmatched", 400, took());
        co_await drain_unread(stream);
        break;
      }
      if (ec == http::error::body_limit) {
        co_await write_simple(stream, http::status::payload_too_large,
                              "request body over " + std::to_string(settings.body_limit) + " bytes\n");
        if (observer) observer("unmatched", 413, took());
        co_await drain_unread(stream);
        break;
      }
      if (ec) {
        if (const char* reason = malformed_request_reason(ec)) {
          const auto status = malformed_request_status(ec);
          co_await write_simple(stream, status, reason);
          if (observer) observer("unmatched", static_cast<int>(status), took());
          co_await drain_unread(stream);
        }
        break;  // else closed, timed out or cancelled: nothing to answer
      }
      me->busy = true;
      auto req = parser.release();
      bool keep_alive = req.keep_alive();
      unsigned version = req.version();
      auto request = convert(req, remote);
      std::string route_name;
      core::http_response resp = co_await dispatch(request, route_name);
      http::response<http::string_body> res{static_cast<http::status>(resp.status), version};
      res.set(http::field::server, "tuki");
      res.set(http::field::content_type, resp.content_type);
      for (const auto& h : resp.headers) res.set(h.name, h.value);
      res.keep_alive(keep_alive && !stopping);
      const bool head = request.method == "HEAD";
      const std::size_t length = resp.body.size();
      if (!head) res.body() = std::move(resp.body);
      res.prepare_payload();
      // HEAD: the headers GET would have sent, its Content-Length too (RFC 9110 9.3.2).
      if (head) res.content_length(length);
      stream.expires_after(std::chrono::milliseconds(settings.read_timeout_ms));
      co_await http::async_write(stream, res, asio::redirect_error(use_awaitable, ec));
      me->busy = false;
      if (observer) observer(route_name, resp.status, took());
      if (ec || !res.keep_alive()) break;
    }
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream.close();
    live.erase(me);
    --sessions;
    if (at_cap) accept_pause.cancel();
    maybe_finish();
  }

  awaitable<void> accept_loop() {
    auto self = shared_from_this();
    std::uint64_t failing = 0;  // failed attempts since the last accept that worked
    while (!stopping) {
      beast::error_code ec;
      if (settings.max_connections != 0 && sessions >= settings.max_connections) {
        at_cap = true;
        accept_pause.expires_at(asio::steady_timer::time_point::max());
        co_await accept_pause.async_wait(asio::redirect_error(use_awaitable, ec));
        at_cap = false;
        continue;
      }
      tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(use_awaitable, ec));
      if (ec) {
        if (stopping || ec == asio::error::operation_aborted) break;
        // E.g. EMFILE: the connection stays queued, so accepting again at once would spin.
        // Keep serving the connections we have and try again after a pause.
        ++accept_failures;
        if (failing++ == 0 && accept_observer) accept_observer(ec.message(), 1);
        accept_pause.expires_after(std::chrono::milliseconds(settings.accept_retry_ms));
        co_await accept_pause.async_wait(asio::redirect_error(use_awaitable, ec));
        continue;
      }
      if (failing != 0 && accept_observer) accept_observer("", failing);
      failing = 0;
      socket.set_option(tcp::no_delay(true), ec);
      ++sessions;
      asio::co_spawn(io, session(std::move(socket)), asio::detached);
    }
  }
};

http_server::http_server(asio::io_context& io, http_server_settings settings, const router& routes,
                         http_observer observer, http_accept_observer accept_observer)
    : impl_(std::make_shared<impl>(io, std::move(settings), routes, std::move(observer),
                                   std::move(accept_observer))) {}

http_server::~http_server() = default;

core::status http_server::start() {
  beast::error_code ec;
  auto address = asio::ip::make_address(impl_->settings.listen, ec);
  std::string where = impl_->settings.listen + ":" + std::to_string(impl_->settings.port);
  if (ec) return core::status::invalid_argument("cannot listen on " + where + ": bad address");
  tcp::endpoint ep(address, impl_->settings.port);
  auto& a = impl_->acceptor;
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(impl_->settings.backlog, ec);
  if (ec) return core::status::unavailable("cannot listen on " + where + ": " + ec.message());
  asio::co_spawn(impl_->io, impl_->accept_loop(), asio::detached);
  return core::status::ok();
}

std::uint16_t http_server::port() const {
  beast::error_code ec;
  auto ep = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

void http_server::stop(std::function<void()> done) {
  auto i = impl_;
  asio::post(i->io, [i, done = std::move(done)]() mutable {
    i->stopping = true;
    i->on_stopped = std::move(done);
    beast::error_code ec;
    i->acceptor.close(ec);
    i->accept_pause.cancel();
    for (auto& c : i->live)
      if (!c.busy) c.stream->socket().cancel(ec);
    i->maybe_finish();
  });
}

std::size_t http_server::connections() const { return impl_->live.size(); }

std::uint64_t http_server::accept_failures() const { return impl_->accept_failures; }

}  // namespace tuki::adapters
