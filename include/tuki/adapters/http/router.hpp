#pragma once
// Maps method + path patterns ("/v1/gateways/{name}/inbound") to handlers. Handlers are plain
// coroutines from request to response; they do not see Beast types.
// HEAD is a method like the others: a GET route answers it only when HEAD is added for it too
// (with the same handler; the server then sends the headers without the body). Add it only for
// routes without side effects (health, metrics, static pages): a link previewer or monitor that
// sends HEAD must not store a message or act on a ticket.
// Thread-safety: build the routes before the server starts; dispatch is then read-only.
#include <utility>  // before Asio's coroutine headers (Boost 1.74 with GCC 12)

#include <functional>
#include <initializer_list>
#include <map>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "tuki/core/http_message.hpp"

namespace tuki::adapters {

using route_params = std::map<std::string, std::string>;
using http_handler = std::function<boost::asio::awaitable<core::http_response>(
    const core::http_request&, const route_params&)>;

class router {
 public:
  /// `pattern` segments in braces capture one path segment; a last segment "{name...}" captures
  /// the rest of the path. `route_name` labels the route in metrics (never the raw path).
  void add(std::string method, std::string pattern, std::string route_name, http_handler handler);
  /// The same handler for each of `methods` ({"GET", "HEAD"}).
  void add(std::initializer_list<const char*> methods, const std::string& pattern,
           const std::string& route_name, const http_handler& handler);

  struct match {
    const http_handler* handler = nullptr;
    route_params params;
    std::string route_name;  // "unmatched" when nothing matched
    int status = 404;        // 404 no such path, 405 path exists for another method
    std::string allow;       // with 405: the methods the path has, for `Allow` ("GET, POST")
  };
  match find(const std::string& method, std::string_view path) const;

 private:
  struct route {
    std::string method;
    std::vector<std::string> segments;
    std::string name;
    http_handler handler;
  };
  std::vector<route> routes_;
};

}  // namespace tuki::adapters
