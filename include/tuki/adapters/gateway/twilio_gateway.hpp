#pragma once
// The `twilio` gateway driver: Twilio Programmable Messaging (REST API 2010-04-01).
//
// Options (gateway_settings::options):
//   account_sid            required  AC... (letters and digits only)
//   auth_token             required  signs every webhook (X-Twilio-Signature); also the REST
//                                    password unless an API key is given
//   api_key_sid,           optional  both or neither: REST basic auth with an API key (SK...)
//   api_key_secret                   instead of account_sid:auth_token
//   from                   one of    sender number / alphanumeric id; outbound_sms::from
//   messaging_service_sid  these     overrides it when set. A Messaging Service (MG...) wins
//                                    over both: Twilio then picks the sender.
//   base_url               optional  default https://api.twilio.com (tests point it elsewhere)
//   public_url_override    optional  the exact inbound webhook URL as configured at Twilio, when
//                                    it differs from {public_base_url}{request target} (proxy)
//   auth                   optional  inbound_auth: allow_ips, basic, path_secret
//
// Sending: POST {base_url}/2010-04-01/Accounts/{account_sid}/Messages.json, form-encoded To,
// From | MessagingServiceSid, Body, StatusCallback={public_base_url}/v1/gateways/{name}/dlr
// [/{path_secret}]?msgid={tuki id}. Answers: 2xx with a sid accepted (gateway_ref = sid); 429,
// 5xx and transport errors retryable; error 21610 opted_out; a 2xx without a sid, the sender's
// and the account's refusals retryable as account_refused; the number's refusals permanent.
//
// Callbacks: the inbound webhook (configure {public_base_url}/v1/gateways/{name}/inbound at the
// number or Messaging Service) and the StatusCallback. authenticate() runs inbound_auth, then
// requires a valid X-Twilio-Signature over {public_base_url}{request target} (or
// public_url_override) with and without the default port. parse_inbound() returns MessageSid as
// gateway_id so a replayed, validly signed request is deduplicated by the store.
// Status mapping: queued, accepted, scheduled, sending, sent -> accepted; delivered, read ->
// delivered; undelivered, failed, canceled -> failed (ErrorCode in detail; 21610 sets
// opted_out). acknowledge() answers empty TwiML (200 text/xml).
#include <memory>

#include "tuki/adapters/gateway/sms_gateway.hpp"

namespace tuki::adapters {

core::result<std::unique_ptr<sms_gateway>> make_twilio_gateway(const gateway_settings& settings);

}  // namespace tuki::adapters
