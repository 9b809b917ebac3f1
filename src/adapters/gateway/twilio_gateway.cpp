#include "tuki/adapters/gateway/twilio_gateway.hpp"
#include "tuki/core/text/ascii_case.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "tuki/adapters/gateway/gateway_options.hpp"
#include "tuki/adapters/gateway/inbound_auth.hpp"
#include "tuki/adapters/gateway/twilio_signature.hpp"
#include "tuki/core/crypto/hmac.hpp"
#include "tuki/core/text/escaped_text.hpp"
#include "tuki/core/text/url_encoding.hpp"

namespace tuki::adapters {
namespace {

constexpr std::string_view opted_out_code = "21610";

struct twilio_config {
  std::string name;
  std::string account_sid;
  std::string auth_token;
  std::string rest_user;
  std::string rest_password;
  std::string from;
  std::string messaging_service_sid;
  std::string base_url;
  std::string public_base_url;
  std::string public_url_override;
  inbound_auth auth;
};

std::optional<std::int64_t> parse_positive_id(std::string_view s) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size() || s.empty() || v <= 0) return std::nullopt;
  return v;
}

// The parameters Twilio sent: the form body of a POST, the query of a GET.
std::optional<core::form_fields> callback_params(const core::http_request& request) {
  if (request.method == "GET") return core::parse_form(request.query());
  return core::parse_form(request.body);
}

std::string json_code_text(const nlohmann::json& code) {
  if (code.is_number_integer()) return std::to_string(code.get<std::int64_t>());
  if (code.is_string()) return code.get<std::string>();
  return "";
}

class twilio_gateway final : public sms_gateway {
 public:
  explicit twilio_gateway(twilio_config c) : c_(std::move(c)) {}

  const std::string& name() const override { return c_.name; }
  bool has_own_sender() const override { return true; }  // `from`/`sender` are required

  std::optional<core::http_request> build_send(const outbound_sms& sms) const override {
    core::form_fields form{{"To", sms.to}};
    if (!c_.messaging_service_sid.empty())
      form.emplace_back("MessagingServiceSid", c_.messaging_service_sid);
    else
      form.emplace_back("From", sms.from.empty() ? c_.from : sms.from);
    form.emplace_back("Body", sms.text);
    form.emplace_back("StatusCallback", c_.auth.callback_url(c_.public_base_url, c_.name, "dlr") +
                                            "?msgid=" + std::to_string(sms.message_id));
    core::http_request r;
    r.method = "POST";
    r.target = c_.base_url + "/2010-04-01/Accounts/" + c_.account_sid + "/Messages.json";
    r.headers = {
        {"Authorization", "Basic " + core::base64_encode(c_.rest_user + ":" + c_.rest_password)},
        {"Content-Type", "application/x-www-form-urlencoded"},
        {"Accept", "application/json"}};
    r.body = core::encode_form(form);
    return r;
  }

  send_result parse_send_response(const core::http_response& response,
                                  const std::string& transport_error) const override {
    if (!transport_error.empty())
      return {send_outcome::retryable, "", "twilio transport error: " + transport_error};
    const auto body = nlohmann::json::parse(response.body, nullptr, false);
    const int s = response.status;
    if (s >= 200 && s < 300) {
      std::string sid;
      if (body.is_object() && body.contains("sid") && body["sid"].is_string())
        sid = body["sid"].get<std::string>();
      if (!sid.empty()) return {send_outcome::accepted, sid, ""};
      // A success without Twilio's answer is not Twilio (a proxy's page, a wrong base_url).
      return {send_outcome::retryable, "",
              "twilio http " + std::to_string(s) + ": not Twilio's answer (no sid)", true};
    }
    std::string code;
    if (body.is_object() && body.contains("code")) code = json_code_text(body["code"]);
    std::string detail = "twilio http " + std::to_string(s) + (code.empty() ? "" : " code " + code);
    // Twilio's error messages may quote the phone number: only status and code are kept.
    if (code == opted_out_code) return {send_outcome::opted_out, "", detail};
    // The recipient's number: invalid, not a mobile, not reachable by SMS.
    if (code == "21211" || code == "21614" || code == "21612")
      return {send_outcome::permanent, "", detail};
    // The account's geo permissions for the number's region, or the sender: not a number of
    // this account (21212, 21606, 21659, 21660) or missing (21603). An operator fixes them.
    if (code == "21408" || code == "21212" || code == "21606" || code == "21659" ||
        code == "21660" || code == "21603")
      return {send_outcome::retryable, "", detail, true};
    // 21611: the sender's queue is over 10 hours long; wait.
    if (code == "21611") return {send_outcome::retryable, "", detail};
    return http_refusal(s, detail);
  }

  parsed<inbound_sms> parse_inbound(const core::http_request& request) const override {
    auto params = callback_params(request);
    if (!params) return parsed<inbound_sms>::fail(400, "malformed form body");
    auto sid = core::form_value(*params, "MessageSid");
    auto from = core::form_value(*params, "From");
    if (!sid || sid->empty()) return parsed<inbound_sms>::fail(400, "MessageSid missing");
    if (!from || from->empty()) return parsed<inbound_sms>::fail(400, "From missing");
    inbound_sms sms;
    sms.from = std::string(*from);
    sms.to = std::string(core::form_value(*params, "To").value_or(""));
    sms.text = std::string(core::form_value(*params, "Body").value_or(""));
    sms.gateway_id = std::string(*sid);
    // Advanced Opt-Out: Twilio has answered STOP, START or HELP itself (its own or the
    // Messaging Service's text) and says so; without the parameter nothing was answered for us.
    if (auto kind = core::form_value(*params, "OptOutType")) {
      const std::string k = core::ascii_lowercase(*kind);
      if (k == "stop" || k == "start" || k == "help") sms.keyword_answered = k;
    }
    return parsed<inbound_sms>::ok(std::move(sms));
  }

  parsed<delivery_report> parse_dlr(const core::http_request& request) const override {
    auto params = callback_params(request);
    if (!params) return parsed<delivery_report>::fail(400, "malformed form body");
    auto query = core::parse_form(request.query());
    auto id_text = query ? core::form_value(*query, "msgid") : std::nullopt;
    // A status callback without tuki's msgid reports a message tuki did not send (a Messaging
    // Service's own callback, for another system's messages): message id 0, which no message
    // has, so it is answered 200 and ignored and Twilio does not retry it.
    if (!id_text) {
      delivery_report foreign;
      foreign.detail = "twilio status callback without tuki's msgid";
      return parsed<delivery_report>::ok(std::move(foreign));
    }
    auto id = parse_positive_id(*id_text);
    if (!id) return parsed<delivery_report>::fail(400, "msgid of the callback URL is not an id");
    auto status = core::form_value(*params, "MessageStatus");
    if (!status) status = core::form_value(*params, "SmsStatus");
    if (!status || status->empty())
      return parsed<delivery_report>::fail(400, "MessageStatus missing");

    delivery_report dlr;
    dlr.message_id = *id;
    const std::string st(*status);
    if (st == "queued" || st == "accepted" || st == "scheduled" || st == "sending" || st == "sent")
      dlr.state = delivery_state::accepted;
    else if (st == "delivered" || st == "read")
      dlr.state = delivery_state::delivered;
    else if (st == "undelivered" || st == "failed" || st == "canceled")
      dlr.state = delivery_state::failed;
    else
      return parsed<delivery_report>::fail(400,
                                           "unknown MessageStatus " + core::quoted_excerpt(st));
    std::string code(core::form_value(*params, "ErrorCode").value_or(""));
    dlr.detail = "twilio " + st + (code.empty() ? "" : " error " + code);
    if (auto sid = core::form_value(*params, "MessageSid"); sid && !sid->empty())
      dlr.detail += " sid " + std::string(*sid);
    if (code == opted_out_code) {
      dlr.opted_out = true;
      dlr.state = delivery_state::failed;
    }
    dlr.gateway_congested =
        dlr.state == delivery_state::failed && (code == "30001" || code == "63018");
    return parsed<delivery_report>::ok(std::move(dlr));
  }

  core::status authenticate(const core::http_request& request) const override {
    if (auto st = c_.auth.check(request); !st) return st;
    const auto signature = request.header("X-Twilio-Signature");
    if (signature.empty()) return core::status::unauthenticated("X-Twilio-Signature missing");
    std::vector<std::string> urls{c_.public_base_url + request.target};
    // The override is the inbound webhook's URL, entered at Twilio: a request signed for it
    // is an inbound SMS, never a status callback (those carry tuki's own URL).
    if (!c_.public_url_override.empty() && callback_kind_of(request) == callback_kind::inbound)
      urls.push_back(c_.public_url_override);

    auto query = core::parse_form(request.query());
    const bool json_body = query && core::form_value(*query, "bodySHA256").has_value();
    core::form_fields params;
    if (!json_body && request.method != "GET") {
      auto p = core::parse_form(request.body);
      // Unreadable rather than unauthenticated: answered 400 (service routes), not 401.
      if (!p) return core::status::invalid_argument("malformed form body");
      params = std::move(*p);
    }
    for (const auto& url : urls) {
      const bool ok = json_body
                          ? twilio_body_signature_valid(c_.auth_token, signature, url, request.body)
                          : twilio_signature_valid(c_.auth_token, signature, url, params);
      if (ok) return core::status::ok();
    }
    return core::status::unauthenticated("X-Twilio-Signature does not match");
  }

  core::http_response acknowledge() const override {
    return {200, "text/xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>", {}};
  }

 private:
  twilio_config c_;
};

}  // namespace

core::result<std::unique_ptr<sms_gateway>> make_twilio_gateway(const gateway_settings& settings) {
  gateway_options o(settings);
  if (auto st = o.check_keys({"account_sid", "auth_token", "api_key_sid", "api_key_secret", "from",
                              "messaging_service_sid", "base_url", "public_url_override", "auth"});
      !st)
    return st;
  twilio_config c;
  c.name = settings.name;
  auto sid = o.required_string("account_sid");
  if (!sid) return sid.error();
  for (unsigned char ch : *sid)
    if (!std::isalnum(ch)) return o.error("account_sid", "may only contain letters and digits");
  c.account_sid = *sid;
  auto token = o.required_string("auth_token");
  if (!token) return token.error();
  c.auth_token = *token;
  c.rest_user = c.account_sid;
  c.rest_password = c.auth_token;
  if (o.has("api_key_sid") || o.has("api_key_secret")) {
    auto key = o.required_string("api_key_sid");
    if (!key) return key.error();
    auto secret = o.required_string("api_key_secret");
    if (!secret) return secret.error();
    c.rest_user = *key;
    c.rest_password = *secret;
  }
  auto from = o.string_or("from", "");
  if (!from) return from.error();
  auto service = o.string_or("messaging_service_sid", "");
  if (!service) return service.error();
  if (from->empty() && service->empty())
    return o.error("from", "or 'messaging_service_sid' is required");
  c.from = *from;
  c.messaging_service_sid = *service;
  auto base = o.url_or("base_url", "https://api.twilio.com");
  if (!base) return base.error();
  c.base_url = *base;
  // Kept byte for byte (no trailing-slash trimming): it is what Twilio signs.
  auto override_url = o.string_or("public_url_override", "");
  if (!override_url) return override_url.error();
  if (!override_url->empty() && !override_url->starts_with("https://") &&
      !override_url->starts_with("http://"))
    return o.error("public_url_override", "must be an http:// or https:// URL");
  c.public_url_override = *override_url;
  c.public_base_url = settings.public_base_url;
  while (!c.public_base_url.empty() && c.public_base_url.back() == '/')
    c.public_base_url.pop_back();
  if (c.public_base_url.empty())
    return o.gateway_error("public_base_url is required (Twilio calls it back)");
  auto auth = inbound_auth::from_options(o);
  if (!auth) return auth.error();
  c.auth = std::move(*auth);
  return std::unique_ptr<sms_gateway>(std::make_unique<twilio_gateway>(std::move(c)));
}

namespace {
const bool registered = register_gateway_type("twilio", make_twilio_gateway);
}  // namespace

}  // namespace tuki::adapters
