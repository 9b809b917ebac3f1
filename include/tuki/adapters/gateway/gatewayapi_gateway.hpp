#pragma once
// The `gatewayapi` gateway driver: GatewayAPI's REST SMS API (gatewayapi.com, docs of 2021).
//
// Options (gateway_settings::options):
//   token           required  API token, sent as the basic-auth username with an empty password
//   webhook_secret  required  the "authentication token" set on the webhooks in GatewayAPI's
//                             dashboard; GatewayAPI then signs every webhook with an HS256 JWT
//                             in X-Gwapi-Signature. Required so no webhook is accepted unsigned.
//   sender          required  up to 11 characters, or up to 15 digits; outbound_sms::from
//                             overrides it when set. Replies need a number, not a name.
//   base_url        optional  default https://gatewayapi.com (the EU host gatewayapi.eu is not
//                             verified in our reference; set it here if your account uses it)
//   max_parts       optional  1..255, cap on SMS parts per message (cost guard)
//   auth            optional  inbound_auth: allow_ips, basic, path_secret
//
// Sending: POST {base_url}/rest/mtsms, JSON {sender, message, recipients: [{msisdn}], userref:
// "tuki-msg-{id}", callback_url: {public_base_url}/v1/gateways/{name}/dlr[/{path_secret}],
// encoding: "UCS2" when the text is not GSM 03.38, max_parts}. msisdn is the E.164 number
// without '+' as a JSON integer (a malformed number is sent as a string so that GatewayAPI
// refuses it and the answer is permanent). Answers: 2xx with ids accepted (gateway_ref =
// ids[0]); 429, 5xx and transport errors retryable; code 0x0215 (MSISDN blacklisted) opted_out;
// 0x0214 (temporary blacklist) retryable; a 2xx without ids, 0x0218/0x0220/0x0222 (tuki's
// request) and the account's refusals retryable as account_refused; other answers permanent.
//
// Callbacks: configure the status webhook (or rely on callback_url) and the MO keyword webhook
// {public_base_url}/v1/gateways/{name}/inbound. authenticate() runs inbound_auth, verifies the
// JWT (HS256 pinned: alg none/other, wrong secret and tampered payloads are refused; an `exp`
// claim, which GatewayAPI does not send, is honoured with gateway_settings::clock, and refused
// without one), and refuses a body whose id/msisdn/status/userref/message/receiver differ from
// the signed claims. parse_inbound()/parse_dlr() read the verified claims, not the body.
// MO: from = "+" + msisdn, to = receiver digits, gateway_id = id (for deduplication), sent_at =
// senttime; the keyword is not stripped. DSN: message id from userref; BUFFERED -> buffered;
// UNKNOWN, SCHEDULED, ENROUTE -> accepted; DELIVERED, ACCEPTED -> delivered; UNDELIVERABLE,
// EXPIRED, REJECTED, DELETED, SKIPPED -> failed (code and error text in detail).
#include <memory>

#include "tuki/adapters/gateway/sms_gateway.hpp"

namespace tuki::adapters {

core::result<std::unique_ptr<sms_gateway>> make_gatewayapi_gateway(
    const gateway_settings& settings);

/// Whether `text` (UTF-8) can be sent in the GSM 03.38 default alphabet with its extension
/// table; false also for invalid UTF-8.
bool is_gsm7_text(std::string_view text);

}  // namespace tuki::adapters
