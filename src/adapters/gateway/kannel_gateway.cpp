#include "tuki/adapters/gateway/kannel_gateway.hpp"

#include <cctype>
#include <charconv>

#include "tuki/adapters/gateway/gateway_options.hpp"
#include "tuki/adapters/gateway/inbound_auth.hpp"
#include "tuki/core/text/charset_decoding.hpp"
#include "tuki/core/text/escaped_text.hpp"
#include "tuki/core/text/sms_encoding.hpp"
#include "tuki/core/text/url_encoding.hpp"
#include "tuki/core/text/utf8_repair.hpp"

namespace tuki::adapters {
namespace {

// The first line of an answer, for logs and the status history, when it is one of Kannel's own
// ("0: Accepted for delivery", "Authorization failed for sendsms", ...). Anything else (a
// proxy's page, a server that echoes the request) could quote the password, the number or the
// text, so it is not kept.
std::string kannel_answer(std::string_view first_line) {
  static constexpr std::string_view known[] = {"Authorization failed", "Not routable",
                                               "Unknown request",      "Sender missing",
                                               "Coding field",         "Missing receiver",
                                               "Invalid content-type", "UDH field",
                                               "Temporal failure",     "Charset or body misformed"};
  const bool numbered = first_line.size() >= 2 && first_line[0] >= '0' && first_line[0] <= '9' &&
                        first_line[1] == ':';
  bool ours = numbered;
  for (auto k : known) ours = ours || first_line.starts_with(k);
  if (!ours) return "(not Kannel's answer)";
  return std::string(first_line.substr(0, 120));
}

class kannel_gateway final : public sms_gateway {
 public:
  kannel_gateway(gateway_settings s, std::string url, std::string user, std::string pass, int mask,
                 inbound_auth auth)
      : settings_(std::move(s)), url_(std::move(url)), user_(std::move(user)),
        pass_(std::move(pass)), dlr_mask_(mask), auth_(std::move(auth)) {
    query_prefix_ = url_ + (url_.find('?') == std::string::npos ? "?" : "&") +
                    core::encode_form({{"username", user_}, {"password", pass_}});
    // dlr-url's value: the callback URL, "?msgid=", the message id, then Kannel's escapes
    // (status, answer, time), all percent-encoded as one query value.
    dlr_prefix_ = "&dlr-mask=" + std::to_string(dlr_mask_) + "&dlr-url=" +
                  core::url_encode(auth_.callback_url(settings_.public_base_url, settings_.name, "dlr") +
                                   "?msgid=");
    dlr_suffix_ = core::url_encode("&status=%d&answer=%A&ts=%T");
  }

  const std::string& name() const override { return settings_.name; }

  std::optional<core::http_request> build_send(const outbound_sms& sms) const override {
    // Kannel has no signatures: the `auth` option (source addresses, basic auth, a path
    // secret carried in this URL) is what protects the callbacks. The parts that are the same
    // for every SMS are encoded once, in the constructor.
    core::http_request r;
    r.method = "GET";
    std::string& t = r.target;
    t.reserve(query_prefix_.size() + dlr_prefix_.size() + dlr_suffix_.size() + 3 * sms.text.size() +
              3 * (sms.from.size() + sms.to.size()) + 64);
    t = query_prefix_;
    t += "&from=";
    core::append_url_encoded(t, sms.from);
    t += "&to=";
    core::append_url_encoded(t, sms.to);
    t += "&text=";
    core::append_url_encoded(t, sms.text);
    t += "&charset=UTF-8";
    if (core::measure_sms(sms.text).coding == core::sms_coding::ucs2) t += "&coding=2";
    t += dlr_prefix_;
    t += std::to_string(sms.message_id);
    t += dlr_suffix_;
    return r;
  }

  send_result parse_send_response(const core::http_response& resp,
                                  const std::string& transport_error) const override {
    if (!transport_error.empty()) return {send_outcome::retryable, "", "transport: " + transport_error};
    std::string first_line = resp.body.substr(0, resp.body.find('\n'));
    if ((resp.status == 202 || resp.status == 200) &&
        (first_line.rfind("0:", 0) == 0 || first_line.rfind("3:", 0) == 0))
      return {send_outcome::accepted, "", first_line};
    std::string detail = std::to_string(resp.status) + " " + kannel_answer(first_line);
    // A success status without Kannel's answer is not Kannel (a proxy's page, a wrong URL).
    if (resp.status >= 200 && resp.status < 300)
      return {send_outcome::retryable, "", std::move(detail), true};
    // 403 is also a failed authorization ("Authorization failed for sendsms"): only "Not
    // routable" refuses this receiver.
    if (resp.status == 403 && first_line.rfind("Not routable", 0) == 0)
      return {send_outcome::permanent, "", std::move(detail)};
    // Kannel checks no number or text at sendsms: a 400 refuses our request's setup ("Sender
    // missing and no global set", "Coding field misformed"), the operator's to fix, except a
    // missing receiver.
    if (resp.status == 400 && first_line.rfind("Missing receiver", 0) != 0)
      return {send_outcome::retryable, "", std::move(detail), true};
    return http_refusal(resp.status, std::move(detail));
  }

  parsed<inbound_sms> parse_inbound(const core::http_request& req) const override {
    auto q = core::parse_form(req.method == "POST" && req.query().empty() ? std::string_view(req.body)
                                                                           : req.query());
    if (!q) return parsed<inbound_sms>::fail(400, "malformed query string");
    auto from = core::form_value(*q, "from");
    auto text = core::form_value(*q, "text");
    if (!from || from->empty()) return parsed<inbound_sms>::fail(400, "missing 'from'");
    if (!text) return parsed<inbound_sms>::fail(400, "missing 'text'");
    inbound_sms m;
    m.from = std::string(*from);
    m.to = std::string(core::form_value(*q, "to").value_or(""));
    m.gateway_id = std::string(core::form_value(*q, "id").value_or(""));
    // Kannel's %C: the text's charset as handed over. UTF-8 unless smsbox was told otherwise;
    // 8-bit messages may come as ISO-8859-1. (The service repairs what is still invalid.)
    std::string charset(core::form_value(*q, "charset").value_or("UTF-8"));
    for (auto& c : charset) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (charset == "UTF-16BE" || charset == "UCS-2")
      m.text = core::utf16be_to_utf8(*text);
    else if (charset == "WINDOWS-1252" || charset == "CP1252")
      m.text = core::windows1252_to_utf8(*text);
    else if (charset == "ISO-8859-1" || charset == "LATIN1")
      m.text = core::latin1_to_utf8(*text);
    else m.text = std::string(*text);
    if (auto t = core::form_value(*q, "time"); t && !t->empty()) {
      std::int64_t secs = 0;
      auto [p, ec] = std::from_chars(t->data(), t->data() + t->size(), secs);
      if (ec == std::errc() && p == t->data() + t->size()) m.sent_at = core::from_unix_ms(secs * 1000);
    }
    return parsed<inbound_sms>::ok(std::move(m));
  }

  parsed<delivery_report> parse_dlr(const core::http_request& req) const override {
    auto q = core::parse_form(req.query());
    if (!q) return parsed<delivery_report>::fail(400, "malformed query string");
    auto id = core::form_value(*q, "msgid");
    auto st = core::form_value(*q, "status");
    if (!id || !st) return parsed<delivery_report>::fail(400, "missing 'msgid' or 'status'");
    delivery_report d;
    auto [p, ec] = std::from_chars(id->data(), id->data() + id->size(), d.message_id);
    if (ec != std::errc() || p != id->data() + id->size() || d.message_id <= 0)
      return parsed<delivery_report>::fail(400, "bad 'msgid'");
    int type = 0;
    auto [p2, ec2] = std::from_chars(st->data(), st->data() + st->size(), type);
    if (ec2 != std::errc() || p2 != st->data() + st->size())
      return parsed<delivery_report>::fail(400, "bad 'status'");
    switch (type) {
      case 1: d.state = delivery_state::delivered; break;
      case 2: case 16: d.state = delivery_state::failed; break;
      case 4: d.state = delivery_state::buffered; break;
      case 8: d.state = delivery_state::accepted; break;
      default:
        return parsed<delivery_report>::fail(400, "unknown DLR type " + core::quoted_excerpt(*st));
    }
    d.detail = "kannel type " + std::string(*st);
    if (auto a = core::form_value(*q, "answer"); a && !a->empty()) d.detail += " " + std::string(*a);
    return parsed<delivery_report>::ok(std::move(d));
  }

  core::status authenticate(const core::http_request& request) const override {
    if (auth_.empty() && relayed_by_proxy(request))
      return core::status::permission_denied(
          "the request came through a proxy (Forwarded, X-Forwarded-For or X-Real-IP), and this "
          "gateway has no auth: it trusts only requests made on this host");
    return auth_.check(request);
  }

  bool callbacks_unauthenticated() const override { return auth_.empty(); }
  bool callbacks_trust_this_host() const override {
    return auth_.empty() || auth_.admits_this_host_only();
  }

 private:
  gateway_settings settings_;
  std::string url_, user_, pass_;
  int dlr_mask_;
  inbound_auth auth_;
  // build_send's constant parts, already encoded: "URL?username=..&password=..", then
  // "&dlr-mask=N&dlr-url=<callback?msgid=>" and the rest of dlr-url after the id.
  std::string query_prefix_, dlr_prefix_, dlr_suffix_;
};

std::string option(const nlohmann::json& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) return {};
  return it->is_string() ? it->get<std::string>() : it->dump();
}

const bool registered = register_gateway_type("kannel", make_kannel_gateway);

}  // namespace

core::result<std::unique_ptr<sms_gateway>> make_kannel_gateway(const gateway_settings& s) {
  gateway_options o(s);
  if (auto st = o.check_keys({"sendsms_url", "username", "password", "dlr_mask", "auth"}); !st)
    return st;
  if (auto checked = o.required_url("sendsms_url"); !checked) return checked.error();
  std::string url = option(s.options, "sendsms_url");  // as written (required_url trims a '/')
  // Kannel's username and password may be numbers in YAML: they are taken as written.
  std::string user = option(s.options, "username"), pass = option(s.options, "password");
  if (user.empty()) return o.error("username", "is required");
  if (pass.empty()) return o.error("password", "is required");
  int mask = 31;
  if (auto m = option(s.options, "dlr_mask"); !m.empty()) {
    auto [p, ec] = std::from_chars(m.data(), m.data() + m.size(), mask);
    if (ec != std::errc() || mask < 0 || mask > 31) return o.error("dlr_mask", "must be 0..31");
  }
  auto auth = inbound_auth::from_options(o);
  if (!auth) return auth.error();
  // Kannel signs nothing: without `auth` anyone who reaches the port could post replies, STOPs,
  // crisis texts and delivery reports. Allowed (with a warning at start) only when the server
  // listens on loopback and public_url, which the delivery reports are sent to, is on loopback
  // too: then only this host calls it. A public_url elsewhere is reached through a proxy or
  // from other hosts.
  const bool listen_local = is_loopback_address(s.listen_address);
  if (auth->empty() && !(listen_local && url_host_is_loopback(s.public_base_url))) {
    std::string where;
    if (!listen_local && !s.listen_address.empty())
      where = " (tuki listens on " + s.listen_address + ", not on loopback only)";
    else if (listen_local)
      where = " (public_url " + core::quoted_excerpt(s.public_base_url, 100) +
              " is not on loopback: others reach tuki through it)";
    return o.error("auth", "is required" + where +
                               ": Kannel signs nothing, so anyone who can reach the port could "
                               "forge replies, STOPs and delivery reports; add auth.allow_ips (the "
                               "smsbox host), auth.path_secret or auth.basic (docs/gateways.md)");
  }
  (void)registered;
  return std::unique_ptr<sms_gateway>(new kannel_gateway(s, url, user, pass, mask, std::move(*auth)));
}

}  // namespace tuki::adapters
