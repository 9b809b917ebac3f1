#include "tuki/adapters/gateway/gatewayapi_gateway.hpp"
#include "tuki/core/text/ascii_case.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "tuki/adapters/gateway/gateway_options.hpp"
#include "tuki/adapters/gateway/inbound_auth.hpp"
#include "tuki/core/crypto/hmac.hpp"
#include "tuki/core/crypto/jwt.hpp"
#include "tuki/core/text/escaped_text.hpp"

namespace tuki::adapters {
namespace {

constexpr std::string_view userref_prefix = "tuki-msg-";

struct gatewayapi_config {
  std::string name;
  std::string token;
  std::string webhook_secret;
  std::string sender;
  std::string keyword;  // of a shared short code: dropped from the front of MO texts
  std::string base_url;
  std::string public_base_url;
  std::int64_t max_parts = 0;  // 0: not sent
  std::function<core::instant()> clock;
  inbound_auth auth;
};

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s)
    if (!std::isdigit(c)) return false;
  return true;
}

// A JSON integer or a string of digits as text (ids and msisdns exceed 32 bits).
std::optional<std::string> digits_of(const nlohmann::json& j, std::string_view key) {
  auto it = j.find(std::string(key));
  if (it == j.end()) return std::nullopt;
  if (it->is_number_unsigned()) return std::to_string(it->get<std::uint64_t>());
  if (it->is_number_integer() && it->get<std::int64_t>() >= 0)
    return std::to_string(it->get<std::int64_t>());
  if (it->is_string() && all_digits(it->get_ref<const std::string&>()))
    return it->get<std::string>();
  return std::nullopt;
}

std::string string_of(const nlohmann::json& j, std::string_view key) {
  auto it = j.find(std::string(key));
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool blank(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// `text` without a leading `keyword` (in any case, a word of its own) and the blanks after it;
// GatewayAPI passes a shared short code's MO with its keyword ("tuki STOP"). Other texts as
// they are.
std::string without_keyword(const std::string& text, std::string_view keyword) {
  std::size_t start = 0;
  while (start < text.size() && blank(text[start])) ++start;
  if (keyword.empty() || text.size() - start < keyword.size()) return text;
  if (!core::ascii_istarts_with(std::string_view(text).substr(start), keyword)) return text;
  std::size_t end = start + keyword.size();
  if (end < text.size() && !blank(text[end])) return text;
  while (end < text.size() && blank(text[end])) ++end;
  return text.substr(end);
}

class gatewayapi_gateway final : public sms_gateway {
 public:
  explicit gatewayapi_gateway(gatewayapi_config c) : c_(std::move(c)) {}

  const std::string& name() const override { return c_.name; }
  bool has_own_sender() const override { return true; }  // `from`/`sender` are required

  std::optional<core::http_request> build_send(const outbound_sms& sms) const override {
    std::string_view digits = sms.to;
    if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
    nlohmann::json msisdn = sms.to;
    std::uint64_t number = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
    if (all_digits(digits) && digits.size() <= 15 && digits.front() != '0' && ec == std::errc{} &&
        end == digits.data() + digits.size())
      msisdn = number;
    nlohmann::json body = {
        {"sender", sms.from.empty() ? c_.sender : sms.from},
        {"message", sms.text},
        {"recipients", nlohmann::json::array({{{"msisdn", msisdn}}})},
        {"userref", std::string(userref_prefix) + std::to_string(sms.message_id)},
        {"callback_url", c_.auth.callback_url(c_.public_base_url, c_.name, "dlr")}};
    if (!is_gsm7_text(sms.text)) body["encoding"] = "UCS2";
    if (c_.max_parts > 0) body["max_parts"] = c_.max_parts;
    core::http_request r;
    r.method = "POST";
    r.target = c_.base_url + "/rest/mtsms";
    r.headers = {{"Authorization", "Basic " + core::base64_encode(c_.token + ":")},
                 {"Content-Type", "application/json"},
                 {"Accept", "application/json"}};
    r.body = body.dump();
    return r;
  }

  send_result parse_send_response(const core::http_response& response,
                                  const std::string& transport_error) const override {
    if (!transport_error.empty())
      return {send_outcome::retryable, "", "gatewayapi transport error: " + transport_error};
    const auto body = nlohmann::json::parse(response.body, nullptr, false);
    const int s = response.status;
    if (s >= 200 && s < 300) {
      std::string ref;
      if (body.is_object() && body.contains("ids") && body["ids"].is_array() &&
          !body["ids"].empty()) {
        nlohmann::json first = {{"id", body["ids"][0]}};
        ref = digits_of(first, "id").value_or("");
      }
      if (!ref.empty()) return {send_outcome::accepted, ref, ""};
      // A success without GatewayAPI's answer is not GatewayAPI (a proxy's page, a wrong URL).
      return {send_outcome::retryable, "",
              "gatewayapi http " + std::to_string(s) + ": not GatewayAPI's answer (no ids)", true};
    }
    const std::string code = body.is_object() ? string_of(body, "code") : "";
    // The error message's variables may hold the phone number: only status and code are kept.
    std::string detail =
        "gatewayapi http " + std::to_string(s) + (code.empty() ? "" : " code " + code);
    if (code == "0x0215") return {send_outcome::opted_out, "", detail};
    if (code == "0x0214") return {send_outcome::retryable, "", detail};  // temporary blacklist
    // Our request's setup, not the message: an unsupported or missing parameter, a message
    // class the account lacks. An operator (or a tuki upgrade) fixes them.
    if (code == "0x0220" || code == "0x0222" || code == "0x0218")
      return {send_outcome::retryable, "", detail, true};
    // 401 and 403 are otherwise the account's (credentials, IP, credit, frozen: 0x0210-0x0213,
    // 0x0216, 0x021D, 0x0229, 0x022A...), 400 and 422 the message's (0x0310, 0x0312...).
    return http_refusal(s, detail);
  }

  parsed<inbound_sms> parse_inbound(const core::http_request& request) const override {
    auto claims = verified_claims(request);
    if (!claims) return parsed<inbound_sms>::fail(401, claims.error().message());
    const auto& j = *claims;
    auto id = digits_of(j, "id");
    auto msisdn = digits_of(j, "msisdn");
    if (!id) return parsed<inbound_sms>::fail(400, "id missing");
    if (!msisdn) return parsed<inbound_sms>::fail(400, "msisdn missing");
    if (!j.contains("message") || !j["message"].is_string())
      return parsed<inbound_sms>::fail(400, "message missing");
    inbound_sms sms;
    sms.from = "+" + *msisdn;
    sms.to = digits_of(j, "receiver").value_or("");
    sms.text = without_keyword(j["message"].get<std::string>(), c_.keyword);
    sms.gateway_id = *id;
    if (auto t = j.find("senttime"); t != j.end() && t->is_number())
      sms.sent_at = core::from_unix_ms(static_cast<std::int64_t>(t->get<double>() * 1000.0));
    return parsed<inbound_sms>::ok(std::move(sms));
  }

  parsed<delivery_report> parse_dlr(const core::http_request& request) const override {
    auto claims = verified_claims(request);
    if (!claims) return parsed<delivery_report>::fail(401, claims.error().message());
    const auto& j = *claims;
    const std::string ref = string_of(j, "userref");
    std::int64_t message_id = 0;
    const std::string_view digits =
        std::string_view(ref).substr(std::min(ref.size(), userref_prefix.size()));
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), message_id);
    // A report of a message tuki did not send (another system on the account, with the
    // account-wide webhook): message id 0, which no message has, so it is answered 200 and
    // ignored, and GatewayAPI does not retry it for 12 hours.
    if (!ref.starts_with(userref_prefix) || ec != std::errc{} ||
        end != digits.data() + digits.size() || digits.empty() || message_id <= 0)
      message_id = 0;
    const std::string st = string_of(j, "status");
    delivery_report dlr;
    dlr.message_id = message_id;
    if (st == "BUFFERED")
      dlr.state = delivery_state::buffered;
    else if (st == "UNKNOWN" || st == "SCHEDULED" || st == "ENROUTE")
      dlr.state = delivery_state::accepted;
    else if (st == "DELIVERED" || st == "ACCEPTED")
      dlr.state = delivery_state::delivered;
    else if (st == "UNDELIVERABLE" || st == "EXPIRED" || st == "REJECTED" || st == "DELETED" ||
             st == "SKIPPED")
      dlr.state = delivery_state::failed;
    else
      return parsed<delivery_report>::fail(400, "unknown status " + core::quoted_excerpt(st));
    const std::string code = string_of(j, "code");
    const std::string error = string_of(j, "error");
    dlr.detail = "gatewayapi " + st + (code.empty() ? "" : " code " + code) +
                 (error.empty() ? "" : ": " + error);
    if (auto id = digits_of(j, "id")) dlr.detail += " (id " + *id + ")";
    return parsed<delivery_report>::ok(std::move(dlr));
  }

  core::status authenticate(const core::http_request& request) const override {
    if (auto st = c_.auth.check(request); !st) return st;
    auto claims = verified_claims(request);
    if (!claims) return claims.error();
    if (request.body.empty()) return core::status::ok();
    const auto body = nlohmann::json::parse(request.body, nullptr, false);
    if (!body.is_object()) return core::status::unauthenticated("body is not a JSON object");
    for (const char* key : {"id", "msisdn", "status", "userref", "message", "receiver"}) {
      if (body.contains(key) && claims->contains(key) && body[key] != (*claims)[key])
        return core::status::unauthenticated(std::string("body '") + key +
                                             "' differs from the signed claims");
    }
    return core::status::ok();
  }

 private:
  // The JWT's claims once its signature (and `exp`, if any) checked out.
  core::result<nlohmann::json> verified_claims(const core::http_request& request) const {
    const auto token = request.header("X-Gwapi-Signature");
    if (token.empty()) return core::status::unauthenticated("X-Gwapi-Signature missing");
    auto claims = core::verify_jwt_hs256(token, c_.webhook_secret);
    if (!claims) return claims;
    if (claims->contains("exp")) {
      if (!c_.clock) return core::status::unauthenticated("jwt has exp but no clock is set");
      if (core::jwt_expired(*claims, c_.clock()))
        return core::status::unauthenticated("jwt expired");
    }
    return claims;
  }

  gatewayapi_config c_;
};

// UTF-8 code points of GSM 03.38's default alphabet and extension table.
constexpr std::u32string_view gsm7_chars =
    U"@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    U"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
    U"\f^{}\\[~]|€";

}  // namespace

bool is_gsm7_text(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    int len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > text.size()) return false;
    char32_t cp = len == 1 ? b : len == 2 ? (b & 0x1f) : len == 3 ? (b & 0x0f) : (b & 0x07);
    for (int k = 1; k < len; ++k) {
      const auto c = static_cast<unsigned char>(text[i + k]);
      if ((c >> 6) != 2) return false;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (gsm7_chars.find(cp) == std::u32string_view::npos) return false;
    i += len;
  }
  return true;
}

core::result<std::unique_ptr<sms_gateway>> make_gatewayapi_gateway(
    const gateway_settings& settings) {
  gateway_options o(settings);
  if (auto st = o.check_keys(
          {"token", "webhook_secret", "sender", "keyword", "base_url", "max_parts", "auth"});
      !st)
    return st;
  gatewayapi_config c;
  c.name = settings.name;
  auto token = o.required_string("token");
  if (!token) return token.error();
  c.token = *token;
  auto secret = o.required_string("webhook_secret");
  if (!secret) return secret.error();
  c.webhook_secret = *secret;
  auto sender = o.required_string("sender");
  if (!sender) return sender.error();
  const bool numeric = all_digits(std::string_view(*sender).substr(sender->front() == '+'));
  if (numeric ? sender->size() - (sender->front() == '+') > 15 : sender->size() > 11)
    return o.error("sender", "must be at most 11 characters or 15 digits");
  c.sender = *sender;
  auto keyword = o.string_or("keyword", "");
  if (!keyword) return keyword.error();
  if (o.has("keyword") && (keyword->empty() || keyword->size() > 32 ||
                           !std::all_of(keyword->begin(), keyword->end(), [](unsigned char ch) {
                             return ch < 0x80 && std::isalnum(ch);
                           })))
    return o.error("keyword",
                   "must be one word of 1-32 letters A-Z and digits (the keyword "
                   "of the shared short code, as GatewayAPI leases it)");
  c.keyword = *keyword;
  auto base = o.url_or("base_url", "https://gatewayapi.com");
  if (!base) return base.error();
  c.base_url = *base;
  auto parts = o.integer_or("max_parts", 0, 1, 255);
  if (!parts) return parts.error();
  c.max_parts = *parts;
  c.public_base_url = settings.public_base_url;
  while (!c.public_base_url.empty() && c.public_base_url.back() == '/')
    c.public_base_url.pop_back();
  if (c.public_base_url.empty())
    return o.gateway_error("public_base_url is required (GatewayAPI calls it back)");
  c.clock = settings.clock;
  auto auth = inbound_auth::from_options(o);
  if (!auth) return auth.error();
  c.auth = std::move(*auth);
  return std::unique_ptr<sms_gateway>(std::make_unique<gatewayapi_gateway>(std::move(c)));
}

namespace {
const bool registered = register_gateway_type("gatewayapi", make_gatewayapi_gateway);
}  // namespace

}  // namespace tuki::adapters
