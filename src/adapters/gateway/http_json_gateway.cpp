#include "tuki/adapters/gateway/http_json_gateway.hpp"
#include "tuki/core/text/ascii_case.hpp"

#include <charconv>
#include <map>

#include "tuki/adapters/gateway/gateway_options.hpp"
#include "tuki/adapters/gateway/inbound_auth.hpp"
#include "tuki/core/crypto/hmac.hpp"
#include "tuki/core/text/escaped_text.hpp"
#include "tuki/core/text/url_encoding.hpp"

namespace tuki::adapters {
namespace {

struct dlr_mapping {
  delivery_state state = delivery_state::failed;
  bool opted_out = false;
};

struct http_json_config {
  std::string name;
  std::string public_base_url;
  std::string url;
  std::string method;
  std::vector<core::http_header> headers;
  std::string to_field, from_field, text_field, id_field, callback_field;
  std::string response_id;
  std::string in_from, in_to, in_text, in_id;
  std::string dlr_id, dlr_status, dlr_detail;
  std::map<std::string, dlr_mapping> status_map;
  bool signed_ = false;
  std::string secret;
  std::string signature_header;
  bool base64 = false;
  std::string prefix;
  std::string timestamp_header;
  std::int64_t max_age_seconds = 300;
  std::function<core::instant()> clock;
  inbound_auth auth;
};

// The value named by `field` (a key, or a JSON pointer when it starts with '/'); null if absent.
const nlohmann::json& lookup(const nlohmann::json& j, const std::string& field) {
  static const nlohmann::json none;
  if (!j.is_object()) return none;
  if (!field.empty() && field.front() == '/') {
    // Validated at start-up; an untrusted body may still not fit it (array index "x").
    try {
      const nlohmann::json::json_pointer ptr(field);
      return j.contains(ptr) ? j.at(ptr) : none;
    } catch (const nlohmann::json::exception&) {
      return none;
    }
  }
  auto it = j.find(field);
  return it == j.end() ? none : *it;
}

void assign(nlohmann::json& j, const std::string& field, nlohmann::json value) {
  if (!field.empty() && field.front() == '/')
    j[nlohmann::json::json_pointer(field)] = std::move(value);
  else
    j[field] = std::move(value);
}

// Strings as they are, integers as decimal text; anything else is "absent".
std::optional<std::string> text_of(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_unsigned()) return std::to_string(v.get<std::uint64_t>());
  if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
  return std::nullopt;
}

std::optional<std::int64_t> positive_id(std::string_view s) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}

class http_json_gateway final : public sms_gateway {
 public:
  explicit http_json_gateway(http_json_config c) : c_(std::move(c)) {}

  const std::string& name() const override { return c_.name; }

  std::optional<core::http_request> build_send(const outbound_sms& sms) const override {
    nlohmann::json body = nlohmann::json::object();
    assign(body, c_.to_field, sms.to);
    if (!sms.from.empty()) assign(body, c_.from_field, sms.from);
    assign(body, c_.text_field, sms.text);
    assign(body, c_.id_field, sms.message_id);
    if (!c_.callback_field.empty()) {
      const std::string id = std::to_string(sms.message_id);
      assign(body, c_.callback_field,
             c_.auth.callback_url(c_.public_base_url, c_.name, "dlr") + "?msgid=" + id +
                 (c_.signed_ ? "&msgsig=" + msgid_tag(id) : ""));
    }
    core::http_request r;
    r.method = c_.method;
    r.target = c_.url;
    r.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
    r.headers.insert(r.headers.end(), c_.headers.begin(), c_.headers.end());
    r.body = body.dump();
    return r;
  }

  send_result parse_send_response(const core::http_response& response,
                                  const std::string& transport_error) const override {
    if (!transport_error.empty())
      return {send_outcome::retryable, "", c_.name + " transport error: " + transport_error};
    const int s = response.status;
    const std::string detail = c_.name + " http " + std::to_string(s);
    if (s >= 200 && s < 300) {
      if (c_.response_id.empty()) return {send_outcome::accepted, "", ""};
      const auto body = nlohmann::json::parse(response.body, nullptr, false);
      std::string ref = text_of(lookup(body, c_.response_id)).value_or("");
      if (!ref.empty()) return {send_outcome::accepted, ref, ""};
      // The configured message id is missing: not the gateway's answer (a proxy's page, an
      // error in a 200), so the message waits, as for a refusal of the account.
      return {send_outcome::retryable, "", detail + ": no '" + c_.response_id + "' in the answer",
              true};
    }
    return http_refusal(s, detail);
  }

  parsed<inbound_sms> parse_inbound(const core::http_request& request) const override {
    const auto j = nlohmann::json::parse(request.body, nullptr, false);
    if (!j.is_object()) return parsed<inbound_sms>::fail(400, "body is not a JSON object");
    auto from = text_of(lookup(j, c_.in_from));
    auto text = lookup(j, c_.in_text);
    if (!from || from->empty())
      return parsed<inbound_sms>::fail(400, "'" + c_.in_from + "' missing");
    if (!text.is_string()) return parsed<inbound_sms>::fail(400, "'" + c_.in_text + "' missing");
    inbound_sms sms;
    sms.from = *from;
    sms.to = text_of(lookup(j, c_.in_to)).value_or("");
    sms.text = text.get<std::string>();
    sms.gateway_id = text_of(lookup(j, c_.in_id)).value_or("");
    return parsed<inbound_sms>::ok(std::move(sms));
  }

  parsed<delivery_report> parse_dlr(const core::http_request& request) const override {
    const auto j = nlohmann::json::parse(request.body, nullptr, false);
    if (!j.is_object()) return parsed<delivery_report>::fail(400, "body is not a JSON object");
    // tuki's own id in the callback URL it sent wins over an id in the body, which may be the
    // gateway's own message id (APIs name it "id", the default field) and so another message.
    // The URL is not signed by the gateway: with a signature, its id must carry tuki's tag.
    std::optional<std::int64_t> id;
    bool untagged = false;
    auto query = core::parse_form(request.query());
    if (auto q = query ? core::form_value(*query, "msgid") : std::nullopt) {
      untagged = c_.signed_ && !core::constant_time_equal(
                                   msgid_tag(*q), core::form_value(*query, "msgsig").value_or(""));
      if (!untagged) id = positive_id(*q);
    }
    if (!id) {
      auto body_id = text_of(lookup(j, c_.dlr_id));
      if (!body_id && untagged)
        return parsed<delivery_report>::fail(
            401, "msgid is not covered by the signature (msgsig missing or wrong)");
      if (body_id) id = positive_id(*body_id);
    }
    if (!id) return parsed<delivery_report>::fail(400, "tuki message id missing");
    auto status = text_of(lookup(j, c_.dlr_status));
    if (!status) return parsed<delivery_report>::fail(400, "'" + c_.dlr_status + "' missing");
    auto mapped = c_.status_map.find(*status);
    if (mapped == c_.status_map.end())
      return parsed<delivery_report>::fail(
          400, "status " + core::quoted_excerpt(*status) + " is not in status_map");
    delivery_report dlr;
    dlr.message_id = *id;
    dlr.state = mapped->second.state;
    dlr.opted_out = mapped->second.opted_out;
    dlr.detail = c_.name + " " + *status;
    if (!c_.dlr_detail.empty())
      if (auto d = text_of(lookup(j, c_.dlr_detail)); d && !d->empty()) dlr.detail += ": " + *d;
    return parsed<delivery_report>::ok(std::move(dlr));
  }

  core::status authenticate(const core::http_request& request) const override {
    if (auto st = c_.auth.check(request); !st) return st;
    if (!c_.signed_) return core::status::ok();
    std::string signed_text = request.body;
    if (!c_.timestamp_header.empty()) {
      if (auto st = check_timestamp(request); !st) return st;
      signed_text = std::string(request.header(c_.timestamp_header)) + "." + request.body;
    }
    std::string_view given = request.header(c_.signature_header);
    if (given.empty()) return core::status::unauthenticated(c_.signature_header + " missing");
    if (!given.starts_with(c_.prefix))
      return core::status::unauthenticated(c_.signature_header + " lacks '" + c_.prefix + "'");
    given.remove_prefix(c_.prefix.size());
    const std::string digest = core::hmac_sha256(c_.secret, signed_text);
    const bool ok = c_.base64 ? core::constant_time_equal(core::base64_encode(digest), given)
                              : core::constant_time_equal(core::hex_encode(digest), core::ascii_lowercase(given));
    if (!ok) return core::status::unauthenticated(c_.signature_header + " does not match");
    return core::status::ok();
  }

 private:
  // tuki's own tag on the message id in a callback URL (header comment).
  std::string msgid_tag(std::string_view id) const {
    return core::hex_encode(core::hmac_sha256(c_.secret, "tuki-dlr-msgid:" + std::string(id)))
        .substr(0, 32);
  }

  core::status check_timestamp(const core::http_request& request) const {
    const auto text = request.header(c_.timestamp_header);
    std::int64_t seconds = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
      return core::status::unauthenticated(c_.timestamp_header + " missing or not unix seconds");
    const std::int64_t now_seconds = core::to_unix_ms(c_.clock()) / 1000;
    const std::int64_t age = now_seconds - seconds;
    if (age > c_.max_age_seconds || -age > c_.max_age_seconds)
      return core::status::unauthenticated(c_.timestamp_header + " outside the " +
                                           std::to_string(c_.max_age_seconds) + " s window");
    return core::status::ok();
  }

  http_json_config c_;
};

// Reads a field name option (key or JSON pointer), `fallback` when absent.
core::result<std::string> field_option(const gateway_options& o, std::string_view key,
                                       std::string fallback) {
  auto v = o.string_or(key, std::move(fallback));
  if (!v) return v;
  if (!v->empty() && v->front() == '/') {
    try {
      (void)nlohmann::json::json_pointer(*v);
    } catch (const nlohmann::json::exception&) {
      return o.error(key, "is not a valid JSON pointer");
    }
  }
  return v;
}

// Reads the `fields` mapping of `section`: each known key into its target, others refused.
core::status read_fields(const gateway_options& section,
                         std::initializer_list<std::pair<std::string_view, std::string*>> targets,
                         std::initializer_list<std::string_view> known) {
  auto fields = section.object("fields");
  if (!fields) return fields.error();
  if (auto st = fields->check_keys(known); !st) return st;
  for (const auto& [key, target] : targets) {
    auto v = field_option(*fields, key, *target);
    if (!v) return v.error();
    if (v->empty() && !target->empty()) return fields->error(key, "must not be empty");
    *target = *v;
  }
  return core::status::ok();
}

}  // namespace

core::result<std::unique_ptr<sms_gateway>> make_http_json_gateway(
    const gateway_settings& settings) {
  gateway_options o(settings);
  if (auto st = o.check_keys({"send", "inbound", "dlr", "signature", "auth"}); !st) return st;
  http_json_config c;
  c.name = settings.name;
  c.public_base_url = settings.public_base_url;
  while (!c.public_base_url.empty() && c.public_base_url.back() == '/')
    c.public_base_url.pop_back();
  c.clock = settings.clock;

  auto send = o.object("send");
  if (!send) return send.error();
  if (auto st = send->check_keys({"url", "method", "headers", "fields", "response_id"}); !st)
    return st;
  auto url = send->required_url("url");
  if (!url) return url.error();
  c.url = *url;
  auto method = send->string_or("method", "POST");
  if (!method) return method.error();
  if (*method != "POST" && *method != "PUT") return send->error("method", "must be POST or PUT");
  c.method = *method;
  auto headers = send->string_map("headers");
  if (!headers) return headers.error();
  for (auto& [k, v] : *headers) {
    if (k.empty() || k.find_first_of(":\r\n ") != std::string::npos ||
        v.find_first_of("\r\n") != std::string::npos)
      return send->error("headers", "has an invalid header '" + k + "'");
    c.headers.push_back({k, v});
  }
  c.to_field = "to";
  c.from_field = "from";
  c.text_field = "text";
  c.id_field = "id";
  if (auto st = read_fields(*send,
                            {{"to", &c.to_field},
                             {"from", &c.from_field},
                             {"text", &c.text_field},
                             {"id", &c.id_field},
                             {"callback", &c.callback_field}},
                            {"to", "from", "text", "id", "callback"});
      !st)
    return st;
  auto response_id = field_option(*send, "response_id", "");
  if (!response_id) return response_id.error();
  c.response_id = *response_id;
  if (!c.callback_field.empty() && c.public_base_url.empty())
    return o.gateway_error("public_base_url is required for send.fields.callback");

  auto inbound = o.object("inbound");
  if (!inbound) return inbound.error();
  if (auto st = inbound->check_keys({"fields"}); !st) return st;
  c.in_from = "from";
  c.in_to = "to";
  c.in_text = "text";
  c.in_id = "id";
  if (auto st = read_fields(
          *inbound,
          {{"from", &c.in_from}, {"to", &c.in_to}, {"text", &c.in_text}, {"id", &c.in_id}},
          {"from", "to", "text", "id"});
      !st)
    return st;

  auto dlr = o.object("dlr");
  if (!dlr) return dlr.error();
  if (auto st = dlr->check_keys({"fields", "status_map"}); !st) return st;
  c.dlr_id = "id";
  c.dlr_status = "status";
  if (auto st = read_fields(
          *dlr, {{"id", &c.dlr_id}, {"status", &c.dlr_status}, {"detail", &c.dlr_detail}},
          {"id", "status", "detail"});
      !st)
    return st;
  auto map = dlr->string_map("status_map");
  if (!map) return map.error();
  if (map->empty()) return dlr->error("status_map", "is required");
  for (const auto& [status, state] : *map) {
    dlr_mapping m;
    if (state == "accepted")
      m.state = delivery_state::accepted;
    else if (state == "buffered")
      m.state = delivery_state::buffered;
    else if (state == "delivered")
      m.state = delivery_state::delivered;
    else if (state == "failed")
      m.state = delivery_state::failed;
    else if (state == "opted_out")
      m.opted_out = true;
    else
      return dlr->error("status_map." + status,
                        "must be accepted, buffered, delivered, failed or opted_out");
    c.status_map[status] = m;
  }

  if (o.has("signature")) {
    auto sig = o.object("signature");
    if (!sig) return sig.error();
    if (auto st = sig->check_keys(
            {"secret", "header", "encoding", "prefix", "timestamp_header", "max_age_seconds"});
        !st)
      return st;
    auto secret = sig->required_string("secret");
    if (!secret) return secret.error();
    c.secret = *secret;
    auto header = sig->string_or("header", "X-Signature");
    if (!header) return header.error();
    c.signature_header = *header;
    auto encoding = sig->string_or("encoding", "hex");
    if (!encoding) return encoding.error();
    if (*encoding != "hex" && *encoding != "base64")
      return sig->error("encoding", "must be hex or base64");
    c.base64 = *encoding == "base64";
    auto prefix = sig->string_or("prefix", "");
    if (!prefix) return prefix.error();
    c.prefix = *prefix;
    auto ts = sig->string_or("timestamp_header", "");
    if (!ts) return ts.error();
    c.timestamp_header = *ts;
    auto age = sig->integer_or("max_age_seconds", 300, 1, 86400);
    if (!age) return age.error();
    c.max_age_seconds = *age;
    if (!c.timestamp_header.empty() && !c.clock)
      return sig->error("timestamp_header", "needs a clock (gateway_settings::clock is unset)");
    c.signed_ = true;
  }
  auto auth = inbound_auth::from_options(o);
  if (!auth) return auth.error();
  c.auth = std::move(*auth);
  if (!c.signed_ && c.auth.empty())
    return o.error("signature", "or 'auth' is required (callbacks would be unauthenticated)");
  return std::unique_ptr<sms_gateway>(std::make_unique<http_json_gateway>(std::move(c)));
}

namespace {
const bool registered = register_gateway_type("http_json", make_http_json_gateway);
}  // namespace

}  // namespace tuki::adapters
