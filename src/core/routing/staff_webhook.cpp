#include "tuki/core/routing/staff_webhook.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "tuki/core/crypto/hmac.hpp"

namespace tuki::routing {
namespace {

using json = nlohmann::json;

std::string slack_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else
      out.push_back(c);
  }
  return out;
}

bool show_reply(const staff_notice& n) { return n.include_reply_text && !n.reply_text.empty(); }

json generic(const staff_notice& n, const notice_wording& w) {
  json actions = json::array();
  for (std::size_t i = 0; i < n.actions.size(); ++i) {
    json a = {{"action", to_string(n.actions[i].action)},
              {"label", w.action_labels[i]},
              {"url", n.actions[i].url}};
    if (!n.actions[i].role.empty()) a["role"] = n.actions[i].role;
    actions.push_back(std::move(a));
  }
  json j = {{"type", std::string(to_string(n.kind))},
            {"ticket_id", n.ticket_id},
            {"ticket_url", n.ticket_url},
            {"student", {{"id", n.student_id}, {"name", n.student_name}}},
            {"category", n.category},
            {"urgency", core::to_string(n.urgency)},
            {"summary", w.subject},
            {"actions", std::move(actions)}};
  if (show_reply(n)) j["reply_text"] = n.reply_text;
  if (!n.follows_up.empty()) j["follows_up"] = n.follows_up;
  return j;
}

std::string facts_text(const staff_notice& n, const notice_wording& w) {
  return w.student_label + ": " + n.student_name + " (" + n.student_id + ")\n" + w.category_label +
         ": " + w.category + "\n" + w.urgency_label + ": " + w.urgency +
         (n.follows_up.empty() ? "" : "\n" + w.follows_up_label + ": " + n.follows_up);
}

json teams(const staff_notice& n, const notice_wording& w) {
  json body = json::array();
  body.push_back({{"type", "TextBlock"},
                  {"text", w.subject},
                  {"weight", "Bolder"},
                  {"size", "Medium"},
                  {"wrap", true},
                  {"color", n.urgency == core::urgency::urgent ? "Attention" : "Default"}});
  body.push_back({{"type", "TextBlock"}, {"text", w.intro}, {"wrap", true}});
  body.push_back({{"type", "FactSet"},
                  {"facts", json::array({
                                {{"title", w.student_label},
                                 {"value", n.student_name + " (" + n.student_id + ")"}},
                                {{"title", w.category_label}, {"value", w.category}},
                                {{"title", w.urgency_label}, {"value", w.urgency}},
                            })}});
  if (show_reply(n)) {
    body.push_back({{"type", "TextBlock"}, {"text", w.reply_heading}, {"weight", "Bolder"}});
    body.push_back({{"type", "TextBlock"}, {"text", n.reply_text}, {"wrap", true}});
  } else {
    body.push_back(
        {{"type", "TextBlock"}, {"text", w.privacy_note}, {"wrap", true}, {"isSubtle", true}});
  }
  json actions = json::array();
  actions.push_back({{"type", "Action.OpenUrl"}, {"title", w.open_ticket}, {"url", n.ticket_url}});
  for (std::size_t i = 0; i < n.actions.size(); ++i) {
    actions.push_back(
        {{"type", "Action.OpenUrl"}, {"title", w.action_labels[i]}, {"url", n.actions[i].url}});
  }
  return {{"type", "message"},
          {"attachments",
           json::array({{{"contentType", "application/vnd.microsoft.card.adaptive"},
                         {"contentUrl", nullptr},
                         {"content",
                          {{"$schema", "http://adaptivecards.io/schemas/adaptive-card.json"},
                           {"type", "AdaptiveCard"},
                           {"version", "1.4"},
                           {"body", std::move(body)},
                           {"actions", std::move(actions)}}}}})}};
}

json slack(const staff_notice& n, const notice_wording& w) {
  json blocks = json::array();
  blocks.push_back({{"type", "header"}, {"text", {{"type", "plain_text"}, {"text", w.subject}}}});
  std::string section = slack_escape(w.intro) + "\n" + slack_escape(facts_text(n, w));
  if (show_reply(n)) {
    section += "\n*" + slack_escape(w.reply_heading) + "*\n>" + slack_escape(n.reply_text);
  } else {
    section += "\n_" + slack_escape(w.privacy_note) + "_";
  }
  blocks.push_back({{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", section}}}});
  json buttons = json::array();
  buttons.push_back({{"type", "button"},
                     {"text", {{"type", "plain_text"}, {"text", w.open_ticket}}},
                     {"url", n.ticket_url}});
  for (std::size_t i = 0; i < n.actions.size(); ++i) {
    buttons.push_back({{"type", "button"},
                       {"text", {{"type", "plain_text"}, {"text", w.action_labels[i]}}},
                       {"url", n.actions[i].url}});
  }
  blocks.push_back({{"type", "actions"}, {"elements", std::move(buttons)}});
  // `text` is the notification fallback: subject only (lock screens), never the reply.
  return {{"text", slack_escape(w.subject) + " <" + n.ticket_url + ">"},
          {"blocks", std::move(blocks)}};
}

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

std::string signature_of(std::string_view secret, std::string_view timestamp,
                         std::string_view body) {
  std::string message(timestamp);
  message += '.';
  message += body;
  return "sha256=" + core::hex_encode(core::hmac_sha256(secret, message));
}

}  // namespace

std::optional<webhook_format> parse_webhook_format(std::string_view s) {
  if (s == "generic") return webhook_format::generic;
  if (s == "teams") return webhook_format::teams;
  if (s == "slack") return webhook_format::slack;
  return std::nullopt;
}

std::string webhook_body(webhook_format format, const staff_notice& notice,
                         std::string_view language) {
  const notice_wording w = word_notice(notice, "", language);
  switch (format) {
    case webhook_format::teams:
      return teams(notice, w).dump();
    case webhook_format::slack:
      return slack(notice, w).dump();
    case webhook_format::generic:
      break;
  }
  return generic(notice, w).dump();
}

std::vector<core::http_header> webhook_headers(std::string_view secret, std::string_view body,
                                               core::instant now) {
  const std::string ts =
      std::to_string(std::chrono::floor<std::chrono::seconds>(now).time_since_epoch().count());
  return {{"Content-Type", "application/json; charset=utf-8"},
          {"X-Tuki-Timestamp", ts},
          {"X-Tuki-Signature", signature_of(secret, ts, body)}};
}

core::status verify_webhook(std::string_view secret, std::string_view timestamp_header,
                            std::string_view signature_header, std::string_view body,
                            core::instant now, core::duration tolerance) {
  if (timestamp_header.empty() || timestamp_header.size() > 12 ||
      timestamp_header.find_first_not_of("0123456789") != std::string_view::npos) {
    return core::status::unauthenticated("webhook: bad X-Tuki-Timestamp");
  }
  if (!core::constant_time_equal(signature_header, signature_of(secret, timestamp_header, body))) {
    return core::status::unauthenticated("webhook: signature mismatch");
  }
  const core::instant sent{std::chrono::seconds{std::stoll(std::string(timestamp_header))}};
  if (sent > now + tolerance || sent < now - tolerance) {
    return core::status::unauthenticated("webhook: timestamp outside the replay window");
  }
  return core::status::ok();
}

core::duration retry_delay(int attempt, std::uint64_t seed, core::duration base,
                           core::duration cap) {
  if (attempt < 1) attempt = 1;
  core::duration d = base;
  for (int i = 1; i < attempt && d < cap; ++i) d *= 2;
  d = std::min(d, cap);
  const std::uint64_t r = splitmix64(seed ^ (static_cast<std::uint64_t>(attempt) << 32));
  const auto half = d.count() / 2;
  const auto jitter =
      half > 0 ? static_cast<std::int64_t>(r % static_cast<std::uint64_t>(half + 1)) : 0;
  return core::duration{d.count() - half + jitter};
}

webhook_retry after_failed_webhook(std::optional<int> http_status, int attempt, std::uint64_t seed,
                                   std::optional<core::duration> retry_after, bool crisis) {
  webhook_retry r;
  if (http_status && *http_status >= 400 && *http_status <= 499 && *http_status != 408 &&
      *http_status != 429) {
    r.refused = true;
    r.delay = webhook_refused_retry;
    // Told at the first attempt, and at the 12th for a refusal that follows an outage's
    // attempts, then daily.
    r.long_outage =
        attempt == 1 || attempt % webhook_alert_every == 0 || attempt == webhook_alert_attempt;
    return r;
  }
  r.delay = attempt < webhook_alert_attempt ? retry_delay(attempt, seed)
                                            : core::duration(std::chrono::hours(1));  // its cap
  if (retry_after && http_status && (*http_status == 429 || *http_status == 503))
    r.delay = std::max(r.delay, std::min(*retry_after, core::duration(webhook_retry_after_max)));
  // A crisis notice is not put off for an hour by a throttled channel or a long outage.
  if (crisis) r.delay = std::min(r.delay, core::duration(webhook_crisis_retry_max));
  r.long_outage = attempt >= webhook_alert_attempt &&
                  (attempt - webhook_alert_attempt) % webhook_alert_every == 0;
  return r;
}

}  // namespace tuki::routing
