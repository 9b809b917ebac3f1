#pragma once
// An outbound HTTP/1.1 request as the bytes sent on the wire, built once per request: one
// buffer to write instead of a header container serialized field by field.
#include <string>

#include "tuki/adapters/http/http_url.hpp"
#include "tuki/core/http_message.hpp"
#include "tuki/core/status.hpp"

namespace tuki::adapters {

/// "METHOD target HTTP/1.1", then Host (url.host_header()) and User-Agent ("tuki") unless the
/// request sets its own, the request's headers in order, Content-Length when there is a body or
/// the method is POST or PUT, and the body. Framing and connection headers of the request
/// (Content-Length, Transfer-Encoding, Expect, Connection) are dropped: the client owns them.
/// Methods: GET, POST, PUT. Errors (nothing is sent): another method, or a header name or value
/// with a line break or NUL (it would split the request), an empty or non-token name, or a
/// target with a space or control character.
core::result<std::string> http_request_text(const core::http_request& request, const http_url& url);

}  // namespace tuki::adapters
