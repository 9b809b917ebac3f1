// The console gateway, tuki's embedded default: an outgoing SMS is not sent anywhere; the outbox
// pump marks it sent and logs it (id and length, or the text with --log-message-text). Replies
// come in through /v1/gateways/console/inbound?from=...&text=... (GET or form POST) or `tuki sim`.
// It checks no sender, so it is refused unless tuki listens on loopback only.
#include "tuki/adapters/gateway/gateway_options.hpp"
#include "tuki/adapters/gateway/inbound_auth.hpp"
#include "tuki/adapters/gateway/sms_gateway.hpp"
#include "tuki/core/text/url_encoding.hpp"

namespace tuki::adapters {
namespace {

class console_gateway final : public sms_gateway {
 public:
  explicit console_gateway(gateway_settings s) : settings_(std::move(s)) {}
  const std::string& name() const override { return settings_.name; }
  std::optional<core::http_request> build_send(const outbound_sms&) const override {
    return std::nullopt;
  }
  send_result parse_send_response(const core::http_response&, const std::string&) const override {
    return {send_outcome::accepted, "", "console"};
  }
  parsed<inbound_sms> parse_inbound(const core::http_request& req) const override {
    auto q = core::parse_form(req.method == "POST" ? std::string_view(req.body) : req.query());
    if (!q) return parsed<inbound_sms>::fail(400, "malformed form data");
    auto from = core::form_value(*q, "from");
    auto text = core::form_value(*q, "text");
    if (!from || from->empty() || !text)
      return parsed<inbound_sms>::fail(
          400,
          "need 'from' and 'text' as query parameters (GET) or a form body (POST, "
          "application/x-www-form-urlencoded)");
    inbound_sms m;
    m.from = std::string(*from);
    m.text = std::string(*text);
    m.gateway_id = std::string(core::form_value(*q, "id").value_or(""));
    return parsed<inbound_sms>::ok(std::move(m));
  }
  parsed<delivery_report> parse_dlr(const core::http_request&) const override {
    return parsed<delivery_report>::fail(404, "the console gateway has no delivery reports");
  }
  core::status authenticate(const core::http_request& request) const override {
    if (relayed_by_proxy(request))
      return core::status::permission_denied(
          "the request came through a proxy (Forwarded, X-Forwarded-For or X-Real-IP): the "
          "console gateway checks no sender and takes requests made on this host only");
    return core::status::ok();
  }
  bool callbacks_trust_this_host() const override { return true; }

 private:
  gateway_settings settings_;
};

const bool registered = register_gateway_type(
    "console", [](const gateway_settings& s) -> core::result<std::unique_ptr<sms_gateway>> {
      gateway_options o(s);
      if (!s.options.is_object() && !s.options.is_null())
        return o.gateway_error("the console gateway takes no options");
      if (s.options.is_object() && !s.options.empty())
        return o.error(s.options.begin().key(), "is unknown (the console gateway takes no options)");
      // The console takes anyone's word for who a reply is from: on an address others can
      // reach, anyone could write as any student (a STOP, a crisis text). It is for trying tuki
      // on one machine.
      if (!is_loopback_address(s.listen_address))
        return o.gateway_error(
            "the console gateway checks no sender, so it needs tuki to listen on loopback only "
            "(http.listen: 127.0.0.1 or ::1" +
            (s.listen_address.empty() ? std::string(")")
                                      : std::string(", not ") + s.listen_address + ")") +
            "; use a real gateway (kannel, twilio, gatewayapi, http_json) anywhere else");
      return std::unique_ptr<sms_gateway>(new console_gateway(s));
    });

}  // namespace
}  // namespace tuki::adapters
