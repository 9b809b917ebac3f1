#include "tuki/core/config/config.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include <arpa/inet.h>

#include <date/tz.h>

#include "tuki/core/config/server_url.hpp"
#include "tuki/core/config/yaml_reader.hpp"
#include "tuki/core/text/email_address.hpp"
#include "tuki/core/yaml_structure.hpp"
#include "tuki/core/yaml_syntax.hpp"

namespace tuki::config {
namespace {

const std::set<std::string> supported_languages{"fi", "sv", "en", "et", "lv", "lt"};

// An IPv4 or IPv6 address as the HTTP server binds it (an IPv6 one may carry a %scope).
bool is_ip_address(const std::string& s) {
  unsigned char buf[16];
  if (inet_pton(AF_INET, s.c_str(), buf) == 1) return true;
  return inet_pton(AF_INET6, s.substr(0, s.find('%')).c_str(), buf) == 1;
}

// 0.0.0.0 or :: (any spelling): the server takes every address, but no one can be reached at it.
bool is_unspecified_address(const std::string& s) {
  unsigned char buf[16] = {};
  if (inet_pton(AF_INET, s.c_str(), buf) == 1) return std::all_of(buf, buf + 4, [](auto b) { return b == 0; });
  if (inet_pton(AF_INET6, s.substr(0, s.find('%')).c_str(), buf) == 1)
    return std::all_of(buf, buf + 16, [](auto b) { return b == 0; });
  return false;
}

void read_http(yaml_map_reader& r, http_settings& h, yaml_errors& errors) {
  if (auto v = r.string("listen")) {
    h.listen = *v;
    if (!is_ip_address(*v))
      errors.add(r.mark("listen"), r.child_path("listen"),
                 "must be an IP address such as 127.0.0.1, 0.0.0.0 or ::, got '" + *v + "'" +
                     (std::count(v->begin(), v->end(), ':') == 1 ? " (the port goes in http.port)"
                                                                 : ""));
  }
  if (auto v = r.integer("port", 0, 65535)) h.port = static_cast<std::uint16_t>(*v);
  if (auto v = r.integer("body_limit", 1024, 16 << 20)) h.body_limit = static_cast<std::size_t>(*v);
  if (auto v = r.integer("read_timeout_ms", 100, 600'000)) h.read_timeout_ms = static_cast<int>(*v);
  if (auto v = r.integer("backlog", 16, 65535)) h.backlog = static_cast<int>(*v);
  if (auto v = r.integer("max_connections", 0, 1'000'000))
    h.max_connections = static_cast<std::size_t>(*v);
  r.reject_unknown_keys();
}

void read_store(yaml_map_reader& r, store_settings& s, yaml_errors& errors) {
  if (auto v = r.string("path")) s.path = *v;
  if (auto v = r.string("synchronous")) {
    if (*v != "full" && *v != "normal" && *v != "extra")
      errors.add(r.mark("synchronous"), r.child_path("synchronous"),
                 "must be full, extra or normal, got '" + *v + "'");
    s.synchronous = *v;
  }
  if (auto v = r.integer("max_batch", 1, 100'000)) s.max_batch = static_cast<int>(*v);
  if (auto v = r.integer("checkpoint_interval_ms", 10, 60'000))
    s.checkpoint_interval_ms = static_cast<int>(*v);
  r.reject_unknown_keys();
}

void read_outbox(yaml_map_reader& r, outbox_settings& o) {
  if (auto v = r.integer("batch_size", 1, 10'000)) o.batch_size = static_cast<int>(*v);
  if (auto v = r.integer("in_flight", 1, 1'000)) o.in_flight = static_cast<int>(*v);
  if (auto v = r.integer("max_attempts", 0, 100)) o.max_attempts = static_cast<int>(*v);
  if (auto v = r.integer("validity_hours", 1, 24 * 14)) o.validity_hours = static_cast<int>(*v);
  if (auto v = r.integer("request_timeout_ms", 100, 60'000))
    o.request_timeout_ms = static_cast<int>(*v);
  if (auto v = r.integer("connect_timeout_ms", 100, 60'000))
    o.connect_timeout_ms = static_cast<int>(*v);
  r.reject_unknown_keys();
}

void read_scheduler(yaml_map_reader& r, scheduler_settings& s) {
  if (auto v = r.integer("max_outbox_depth", 1, 10'000'000)) s.max_outbox_depth = static_cast<int>(*v);
  if (auto v = r.integer("batch", 1, 100'000)) s.batch = static_cast<int>(*v);
  if (auto v = r.integer("rules_every_seconds", 1, 3600)) s.rules_every_seconds = static_cast<int>(*v);
  r.reject_unknown_keys();
}

// A mail server on this host: mail to it never crosses a network, so plain SMTP is allowed
// without asking (mail_settings::require_tls).
bool local_host(std::string_view host) {
  if (host == "localhost" || host == "::1") return true;
  return host.starts_with("127.") &&
         host.find_first_not_of("0123456789.") == std::string_view::npos;
}

void read_mail(yaml_map_reader& r, mail_settings& m, yaml_errors& errors) {
  if (auto v = r.string("type")) m.type = *v;
  if (auto v = r.string("dir")) m.dir = *v;
  if (auto v = r.string("url")) m.url = *v;
  if (auto v = r.string("username")) m.username = *v;
  if (auto v = r.string("password")) m.password = *v;
  if (auto v = r.string("from")) m.from = *v;
  const auto require_tls = r.boolean("require_tls");
  if (m.type != "file" && m.type != "smtp")
    errors.add(r.mark("type"), r.child_path("type"), "must be file or smtp, got '" + m.type + "'");
  // The URL may carry a password ("smtp://user:password@host"): messages show it redacted.
  if (m.type == "smtp") {
    if (m.url.rfind("smtp://", 0) != 0 && m.url.rfind("smtps://", 0) != 0)
      errors.add(r.mark("url"), r.child_path("url"),
                 "must start with smtp:// or smtps://, got '" + redact_url(m.url) + "'");
    else if (auto url = parse_server_url(m.url); !url)
      errors.add(r.mark("url"), r.child_path("url"),
                 url.error().message() + " in '" + redact_url(m.url) + "'");
    else
      m.require_tls = require_tls.value_or(!local_host(url->host));
  }
  if (!core::is_email_address(m.from))
    errors.add(r.mark("from"), r.child_path("from"), "is not an email address: '" + m.from + "'");
  r.reject_unknown_keys();
}

// "90s", "30m", "48h", "14d" -> milliseconds; nullopt when malformed.
std::optional<std::int64_t> parse_duration_ms(const std::string& v) {
  if (v.size() < 2) return std::nullopt;
  std::int64_t n = 0;
  for (std::size_t i = 0; i + 1 < v.size(); ++i) {
    if (v[i] < '0' || v[i] > '9' || n > 1'000'000'000) return std::nullopt;
    n = n * 10 + (v[i] - '0');
  }
  switch (v.back()) {
    case 's': return n * 1000;
    case 'm': return n * 60'000;
    case 'h': return n * 3'600'000;
    case 'd': return n * 86'400'000;
    default: return std::nullopt;
  }
}

void read_webhook(yaml_map_reader& r, webhook_settings& w, yaml_errors& errors) {
  w.url = r.string("url", true).value_or("");
  const auto secret = r.string("secret", true);
  w.secret = secret.value_or("");
  // Receivers check X-Tuki-Signature with this key: signed with an empty one, anyone's forged
  // notice (a fake ticket, a phishing link in a staff channel) would pass. `secret: ""` or an
  // unset ${HOOK_SECRET:-} is a mistake, not a choice.
  if (secret && secret->empty())
    errors.add(r.mark("secret"), r.child_path("secret"),
               "must not be empty: receivers verify the X-Tuki-Signature of each notice with it");
  if (auto v = r.string("format")) w.format = *v;
  if (w.format != "generic" && w.format != "teams" && w.format != "slack")
    errors.add(r.mark("format"), r.child_path("format"),
               "must be generic, teams or slack, got '" + w.format + "'");
  if (!w.url.empty() && w.url.rfind("http://", 0) != 0 && w.url.rfind("https://", 0) != 0)
    errors.add(r.mark("url"), r.child_path("url"), "must start with http:// or https://");
  r.reject_unknown_keys();
}

void read_sla(yaml_map_reader& r, sla_overrides& s, yaml_errors& errors) {
  auto one = [&](const char* key, std::optional<std::int64_t>& out) {
    auto v = r.string(key);
    if (!v) return;
    out = parse_duration_ms(*v);
    if (!out || *out <= 0)
      errors.add(r.mark(key), r.child_path(key),
                 "expected a duration such as 90s, 30m, 48h or 14d, got '" + *v + "'");
  };
  one("remind_after", s.remind_after_ms);
  one("escalate_after", s.escalate_after_ms);
  one("crisis_remind_after", s.crisis_remind_after_ms);
  one("crisis_escalate_after", s.crisis_escalate_after_ms);
  one("escalate_repeat_after", s.escalate_repeat_after_ms);
  one("still_open_after", s.still_open_after_ms);
  one("followup_after", s.followup_after_ms);
  // Both repeat until someone acts: minutes would mail the same people all day.
  for (auto [key, v] : {std::pair{"escalate_repeat_after", &s.escalate_repeat_after_ms},
                        std::pair{"still_open_after", &s.still_open_after_ms}})
    if (*v && **v > 0 && **v < 3'600'000)
      errors.add(r.mark(key), r.child_path(key),
                 "must be at least 1h (it repeats until someone acts on the ticket)");
  // An unacknowledged crisis ticket is escalated again every crisis_escalate_after: seconds
  // would mail the same people every few seconds.
  if (s.crisis_escalate_after_ms && *s.crisis_escalate_after_ms > 0 &&
      *s.crisis_escalate_after_ms < 60'000)
    errors.add(r.mark("crisis_escalate_after"), r.child_path("crisis_escalate_after"),
               "must be at least 1m (an unacknowledged crisis ticket is escalated again this "
               "often)");
  r.reject_unknown_keys();
}

void read_tickets(yaml_map_reader& r, ticket_settings& t) {
  if (auto v = r.integer("link_ttl_hours", 1, 24 * 365)) t.link_ttl_hours = static_cast<int>(*v);
  if (auto v = r.integer("sla_check_interval_ms", 10, 3'600'000))
    t.sla_check_interval_ms = static_cast<int>(*v);
  r.reject_unknown_keys();
}

// Records where every key of `map` stands, by dotted path below `path`, descending into maps.
// A key names the line of its value (its first key when the value is a map). Call it after the
// values are read, so that it knows which came from the environment.
void record_locations(const YAML::Node& map, const std::string& path, const yaml_errors& errors,
                      source_locations& out) {
  if (!map.IsMap()) return;
  for (auto it = map.begin(); it != map.end(); ++it) {
    YAML::Node key = it->first;  // a copy: a reference into the iterator's value dangles
    YAML::Node value = it->second;
    std::string p = (path.empty() ? "" : path + ".") + key.as<std::string>();
    bool at_value = !value.IsMap() && value.Mark().line >= 0;
    const YAML::Mark mark = at_value ? value.Mark() : key.Mark();
    out.add(p, errors.where(mark), errors.substituted(mark));
    record_locations(value, p, errors, out);
  }
}

// `rate_limit` / `rate_burst` of a gateway: a positive number of SMS segments per second.
std::optional<double> read_rate(yaml_map_reader& r, const std::string& key, yaml_errors& errors) {
  auto v = r.string(key);
  if (!v) return std::nullopt;
  double d = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), d);
  if (ec != std::errc() || p != v->data() + v->size() || !std::isfinite(d) || d <= 0) {
    errors.add(r.mark(key), r.child_path(key),
               "must be a positive number (SMS segments per second), got '" + *v + "'");
    return std::nullopt;
  }
  return d;
}

void read_gateways(const YAML::Node& list, yaml_errors& errors, const env_lookup& env,
                   std::vector<gateway_entry>& out) {
  if (!list.IsDefined() || list.IsNull()) return;
  if (!list.IsSequence()) {
    errors.add(list.Mark(), "gateways", "expected a list of gateways");
    return;
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    std::string path = "gateways[" + std::to_string(i) + "]";
    yaml_map_reader r(list[i], path, errors, &env);
    if (!r.valid()) continue;
    gateway_entry g;
    g.name = r.string("name", true).value_or("");
    // The name is a segment of the callback URLs: one that needs encoding there would never
    // match its own callbacks (the router does not decode segments).
    if (r.has("name") && (g.name.empty() || g.name.size() > 64 ||
                          g.name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
                                                   "vwxyz0123456789._~-") != std::string::npos))
      errors.add(r.mark("name"), path + ".name",
                 "gateway '" + g.name +
                     "': a name must be 1-64 letters A-Z, digits and . _ ~ - (it is the URL "
                     "segment of the gateway's callbacks)");
    g.type = r.string("type", true).value_or("");
    g.rate_limit = read_rate(r, "rate_limit", errors).value_or(0);
    g.rate_burst = read_rate(r, "rate_burst", errors).value_or(0);
    // A message takes at least one segment's tokens: a smaller bucket would never hold them and
    // the gateway would send nothing at all.
    if (g.rate_burst > 0 && g.rate_burst < 1) {
      errors.add(r.mark("rate_burst"), r.child_path("rate_burst"),
                 "must be at least 1 (SMS segments; a smaller burst never lets a message through), "
                 "got '" +
                     r.string("rate_burst").value_or("") + "'");
      g.rate_burst = 0;
    }
    g.options = nlohmann::json::object();
    for (auto it = list[i].begin(); it != list[i].end(); ++it) {
      std::string k = it->first.as<std::string>();
      if (k == "name" || k == "type" || k == "rate_limit" || k == "rate_burst") continue;
      r.node(k);  // mark as read: the driver validates its own options
      g.options[k] = yaml_to_json(it->second, path + "." + k, errors, &env);
    }
    g.locations.add("", errors.where(list[i].Mark()));
    record_locations(list[i], "", errors, g.locations);
    for (const auto& other : out)
      if (!g.name.empty() && other.name == g.name)
        errors.add(r.mark("name"), path + ".name", "duplicate gateway name '" + g.name + "'");
    out.push_back(std::move(g));
  }
}

void read_institution(yaml_map_reader& r, institution_settings& inst, yaml_errors& errors,
                      const env_lookup* env) {
  inst.id = r.string("id", true).value_or("");
  inst.name = r.string("name").value_or(inst.id);
  if (auto v = r.string("country")) {
    inst.country = *v;
    if (v->size() != 2 || !std::isupper(static_cast<unsigned char>((*v)[0])) ||
        !std::isupper(static_cast<unsigned char>((*v)[1])))
      errors.add(r.mark("country"), r.child_path("country"),
                 "expected a two-letter ISO 3166 code such as FI, got '" + *v + "'");
  }
  if (auto v = r.string("timezone")) {
    inst.timezone = *v;
    try {
      (void)date::locate_zone(*v);
    } catch (const std::exception&) {
      errors.add(r.mark("timezone"), r.child_path("timezone"), "unknown time zone '" + *v + "'");
    }
  }
  if (auto v = r.string_list("languages")) {
    inst.languages = *v;
    for (std::size_t i = 0; i < v->size(); ++i)
      if (!supported_languages.count((*v)[i]))
        errors.add(r.node("languages")[i].Mark(), r.child_path("languages") + "[" + std::to_string(i) + "]",
                   "unsupported language '" + (*v)[i] + "' (supported: en, et, fi, lt, lv, sv)");
  }
  inst.default_language = r.string("default_language").value_or(inst.languages.empty() ? "fi" : inst.languages.front());
  if (r.has("default_language")) {
    const auto& d = inst.default_language;
    if (!supported_languages.count(d))
      errors.add(r.mark("default_language"), r.child_path("default_language"),
                 "unsupported language '" + d + "' (supported: en, et, fi, lt, lv, sv)");
    else if (!inst.languages.empty() &&
             std::find(inst.languages.begin(), inst.languages.end(), d) == inst.languages.end())
      errors.add(r.mark("default_language"), r.child_path("default_language"),
                 "'" + d + "' is not one of the institution's languages");
  }
  if (auto v = r.string("sender")) {
    inst.sender = *v;
    // What a phone shows as the sender: a number of up to 15 digits, or up to 11 letters and
    // digits (GSM's alphanumeric sender); gateways cut or refuse anything longer.
    const bool number = !v->empty() && v->find_first_not_of("+0123456789") == std::string::npos;
    const auto characters =
        static_cast<std::size_t>(std::count_if(v->begin(), v->end(), [](char c) {
          return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
        }));
    if (v->empty() || (number ? v->size() > 16 : characters > 11))
      errors.add(r.mark("sender"), r.child_path("sender"),
                 "must be a phone number or at most 11 letters and digits, got '" + *v + "'");
  }
  inst.gateway = r.string("gateway", true).value_or("");
  if (r.has("helpline")) {
    // The text a student in crisis is sent: `${NAME}` is filled in as in every other value, and
    // a key that is no language (`fn:`) is an error, not a helpline nobody is ever sent.
    yaml_map_reader h(r.node("helpline"), r.child_path("helpline"), errors, env);
    YAML::Node n = r.node("helpline");
    if (h.valid())
      for (auto it = n.begin(); it != n.end(); ++it) {
        std::string lang = it->first.as<std::string>();
        if (!supported_languages.count(lang)) {
          errors.add(it->first.Mark(), h.child_path(lang),
                     "unsupported language '" + lang + "' (supported: en, et, fi, lt, lv, sv)");
          continue;
        }
        if (auto text = h.string(lang)) inst.helpline[lang] = *text;
      }
  }
  if (auto v = r.string("crisis_contact")) {
    inst.crisis_contact = *v;
    // Every crisis ticket mails this address: one that cannot be mailed is refused at start.
    if (!v->empty() && !core::is_email_address(*v))
      errors.add(r.mark("crisis_contact"), r.child_path("crisis_contact"),
                 "is not an email address: '" + *v + "'");
  }
  if (auto v = r.boolean("staff_messages_include_text")) inst.staff_messages_include_text = *v;
  if (auto v = r.string("routing_file")) inst.routing_file = *v;
  if (r.has("webhook")) {
    yaml_map_reader w(r.node("webhook"), r.child_path("webhook"), errors, env);
    if (w.valid()) read_webhook(w, inst.webhook, errors);
  }
  if (r.has("sla")) {
    yaml_map_reader w(r.node("sla"), r.child_path("sla"), errors, env);
    if (w.valid()) read_sla(w, inst.sla, errors);
  }
  if (auto v = r.string("schedule_file")) inst.schedule_file = *v;
  r.reject_unknown_keys();
}

// `address` as the host of a URL: an IPv6 address in brackets, its zone id's '%' escaped
// (RFC 6874: "::1" -> "[::1]", "fe80::1%lo" -> "[fe80::1%25lo]").
std::string url_host(const std::string& address) {
  if (address.find(':') == std::string::npos) return address;
  std::string host = "[";
  for (char ch : address) host += ch == '%' ? std::string("%25") : std::string(1, ch);
  return host + "]";
}

}  // namespace

const institution_settings* config::find_institution(std::string_view id) const {
  for (const auto& i : institutions)
    if (i.id == id) return &i;
  return nullptr;
}

const gateway_entry* config::find_gateway(std::string_view name) const {
  for (const auto& g : gateways)
    if (g.name == name) return &g;
  return nullptr;
}

std::vector<std::string> languages_without_helpline(const institution_settings& inst) {
  std::vector<std::string> out;
  for (const auto& l : inst.languages)
    if (!inst.helpline.count(l)) out.push_back(l);
  return out;
}

std::string weak_secret_reason(const std::string& secret) {
  if (secret.empty()) return {};
  if (secret == "change-me-in-production")
    return "it is the placeholder of the shipped configuration, which anyone can read";
  if (secret.size() < 16) return "it is shorter than 16 characters";
  return {};
}

core::result<config> parse_config(std::string_view yaml_text, std::string_view file_name,
                                  const env_lookup& env) {
  yaml_errors errors{std::string(file_name)};
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (const YAML::Exception& e) {
    errors.add(e.mark, "", core::yaml_syntax_message(e, yaml_text));
    return core::status::invalid_argument(errors.text());
  }
  // The readers below assume plain, unique keys (yaml-cpp throws on reading a list key as a name).
  auto problems = core::check_yaml_structure(root);
  for (const auto& p : problems) errors.add(p.mark, p.path, p.what);
  if (!problems.empty()) return core::status::invalid_argument(errors.text());
  config c;
  c.source_file = std::string(file_name);
  yaml_map_reader top(root, "", errors, &env);
  if (!top.valid()) return core::status::invalid_argument(errors.text());

  c.public_url = top.string("public_url").value_or("");
  if (!c.public_url.empty())  // empty: http://<listen>:<port>, below
    if (auto st = check_public_url(c.public_url); !st)
      errors.add(top.mark("public_url"), "public_url", st.message());
  if (auto v = top.string("log_level")) {
    c.log_level = *v;
    if (*v != "debug" && *v != "info" && *v != "warn" && *v != "error")
      errors.add(top.mark("log_level"), "log_level",
                 "must be debug, info, warn or error, got '" + *v + "'");
  }
  // Where the keys naming files and directories stand, for the checks that look at the file
  // system once the whole config is read (app::check_config_paths). After the key is read: a
  // value from the environment is recorded so.
  auto locate_key = [&](const yaml_map_reader& r, const std::string& key) {
    if (r.has(key))
      c.locations.add(r.child_path(key), errors.where(r.mark(key)),
                      errors.substituted(r.mark(key)));
  };
  if (auto v = top.string("dialogs_dir")) c.dialogs_dir = *v;
  if (auto v = top.string("secret")) c.secret = *v;
  if (auto v = top.string("routing_dir")) c.routing_dir = *v;
  locate_key(top, "dialogs_dir");
  locate_key(top, "routing_dir");
  {
    yaml_map_reader r(top.node("tickets"), "tickets", errors, &env);
    if (r.valid()) read_tickets(r, c.tickets);
  }
  if (auto v = top.string("api_token")) c.api_token = *v;
  {
    yaml_map_reader r(top.node("http"), "http", errors, &env);
    if (r.valid()) read_http(r, c.http, errors);
  }
  {
    yaml_map_reader r(top.node("store"), "store", errors, &env);
    if (r.valid()) read_store(r, c.store, errors);
  }
  if (top.has("outbox")) {
    yaml_map_reader r(top.node("outbox"), "outbox", errors, &env);
    if (r.valid()) read_outbox(r, c.outbox);
  }
  if (top.has("scheduler")) {
    yaml_map_reader r(top.node("scheduler"), "scheduler", errors, &env);
    if (r.valid()) read_scheduler(r, c.scheduler);
  }
  {
    yaml_map_reader r(top.node("mail"), "mail", errors, &env);
    if (r.valid()) read_mail(r, c.mail, errors);
  }
  read_gateways(top.node("gateways"), errors, env, c.gateways);
  YAML::Node insts = top.node("institutions");
  if (insts.IsDefined() && !insts.IsNull() && !insts.IsSequence()) {
    // One institution written without `-` is there, only not in a list.
    errors.add(insts.Mark(), "institutions", "expected a list of institutions (`- id: ...`)");
  } else if (!insts.IsDefined() || !insts.IsSequence() || insts.size() == 0) {
    errors.add(insts.IsDefined() ? insts.Mark() : root.Mark(), "institutions", "at least one institution is required");
  } else {
    for (std::size_t i = 0; i < insts.size(); ++i) {
      std::string path = "institutions[" + std::to_string(i) + "]";
      yaml_map_reader r(insts[i], path, errors, &env);
      if (!r.valid()) continue;
      institution_settings inst;
      read_institution(r, inst, errors, &env);
      locate_key(r, "routing_file");
      locate_key(r, "schedule_file");
      locate_key(r, "country");  // libphonenumber's regions are checked by app::check_config
      if (c.find_institution(inst.id))
        errors.add(r.mark("id"), path + ".id", "duplicate institution id '" + inst.id + "'");
      if (!inst.gateway.empty() && !c.find_gateway(inst.gateway))
        errors.add(r.mark("gateway"), path + ".gateway",
                   "no gateway named '" + inst.gateway + "' is configured");
      // A gateway sends from one sender: the outbox knows a message's gateway, not its school.
      const auto named = [](const std::string& s) {
        return s.empty() ? std::string("not set (the gateway's own)") : "'" + s + "'";
      };
      for (const auto& other : c.institutions)
        if (other.gateway == inst.gateway && other.sender != inst.sender) {
          errors.add(r.has("sender") ? r.mark("sender") : r.mark("gateway"), path + ".sender",
                     named(inst.sender) + " differs from " + named(other.sender) +
                         " of institution '" + other.id + "' on the same gateway '" + inst.gateway +
                         "': a gateway sends from one sender; give each sender a gateway entry "
                         "of its own (the same account under another name)");
          break;
        }
      c.institutions.push_back(std::move(inst));
    }
  }
  top.reject_unknown_keys();
  // Staff links and gateway callbacks are made from public_url: derived from a wildcard
  // address they would open http://0.0.0.0:8080 on the staff member's own machine.
  if (c.public_url.empty() && is_unspecified_address(c.http.listen)) {
    const YAML::Node& croot = root;
    errors.add(croot["http"]["listen"].Mark(), "http.listen",
               c.http.listen + " takes every address but names none that staff and gateways can "
               "reach: set public_url (TUKI_PUBLIC_URL) to the URL tuki is reached at");
  }
  if (c.public_url.empty())
    c.public_url = "http://" + url_host(c.http.listen) + ":" + std::to_string(c.http.port);
  while (!c.public_url.empty() && c.public_url.back() == '/') c.public_url.pop_back();
  if (!errors.empty()) return core::status::invalid_argument(errors.text());
  return c;
}

core::result<config> load_config(const std::string& path, const env_lookup& env) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::status::io_error("cannot read configuration file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_config(ss.str(), path, env);
}

}  // namespace tuki::config
