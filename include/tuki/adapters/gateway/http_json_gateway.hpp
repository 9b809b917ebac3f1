#pragma once
// The `http_json` gateway driver: a configurable JSON-over-HTTP gateway for providers without a
// dedicated driver. Field names are top-level keys, or JSON pointers when they start with '/'
// ("/data/id"; on the outgoing body a pointer creates the nested objects).
//
// Options (gateway_settings::options):
//   send:
//     url          required  http(s) URL the message is sent to
//     method       optional  POST (default) or PUT
//     headers      optional  mapping of extra request headers, e.g. {Authorization: "Bearer x"}
//     fields       optional  outgoing body field names: to (default "to"), from ("from"; left
//                            out when the message has no sender), text ("text"), id (tuki's
//                            message id as a JSON integer, default "id"), callback (absent by
//                            default: when named, the DLR URL {public_base_url}/v1/gateways/
//                            {name}/dlr[/{path_secret}]?msgid={id} is sent in that field,
//                            with &msgsig={tag} after it when `signature` is set, below)
//     response_id  optional  where the gateway's message id is in a 2xx answer
//   inbound:
//     fields       optional  from ("from"), to ("to"), text ("text"), id ("id": the gateway's
//                            id, used to deduplicate retries)
//   dlr:
//     fields       optional  id (tuki's id as echoed back, default "id"; when the field is
//                            absent the callback URL's ?msgid= is used, see below), status
//                            ("status"), detail (absent by default: a field copied into the
//                            report)
//     status_map   required  gateway status -> accepted | buffered | delivered | failed |
//                            opted_out (failed, with delivery_report::opted_out set)
//   signature:     optional  HMAC-SHA256 of the raw body with a shared secret:
//     secret       required  the shared secret (its UTF-8 bytes are the key)
//     header       optional  default "X-Signature"
//     encoding     optional  hex (default; compared case-insensitively) or base64
//     prefix       optional  text before the digest in the header, e.g. "sha256="
//     timestamp_header  optional  when set, the signed string is "{timestamp}.{body}" and the
//                       header's value (unix seconds) must lie within max_age_seconds of now
//     max_age_seconds   optional  default 300, 1..86400; applies both ways (clock skew)
//   auth           optional  inbound_auth: allow_ips, basic, path_secret
// `signature` or `auth` must be set: an unauthenticated endpoint is refused at start-up.
//
// The signature covers the body only, so with `signature` a DLR's message id is trusted only
// from the signed body. A body without one (`{"status":"FAILED"}` is the same for every message)
// would otherwise let one captured request be replayed against any ?msgid=. So tuki signs the
// id it puts into the callback URL itself: msgsig = the first 32 hex digits of
// HMAC-SHA256(secret, "tuki-dlr-msgid:{id}"), and parse_dlr refuses (401) a ?msgid= whose
// msgsig is missing or wrong. Without `signature` (auth alone) ?msgid= is taken as it is.
//
// Time: authenticate() checks the signature AND the timestamp window, reading the time from
// gateway_settings::clock (the app passes the system clock, tests a fake one). A driver never
// reads the system clock; with timestamp_header set and no clock the factory fails. A replay
// within the window passes authentication; the store deduplicates it on inbound `id`.
//
// Answers to a send: 2xx accepted (with response_id, only when the answer holds it; else
// retryable as account_refused); 429, 5xx and transport errors retryable; the account's
// refusals (sms_gateway.cpp: http_refusal) retryable as account_refused; others permanent.
#include <memory>

#include "tuki/adapters/gateway/sms_gateway.hpp"

namespace tuki::adapters {

core::result<std::unique_ptr<sms_gateway>> make_http_json_gateway(const gateway_settings& settings);

}  // namespace tuki::adapters
