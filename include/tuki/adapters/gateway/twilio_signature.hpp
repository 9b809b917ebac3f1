#pragma once
// Twilio's webhook signature (X-Twilio-Signature), computed and checked exactly as Twilio's
// official helper libraries do (twilio-node 6.2.0 `validateRequest`, twilio-python
// `RequestValidator`); tests/data/gateways/vectors/twilio-signature.json holds their vectors.
//
//   signature = base64(HMAC-SHA1(auth token, url + for each POST parameter name in byte order:
//                                name + value))
// with decoded parameter values; a repeated name contributes its values sorted, duplicates
// dropped. Pure functions.
#include <string>
#include <string_view>

#include "tuki/core/text/url_encoding.hpp"

namespace tuki::adapters {

/// The exact HMAC input for `url` and the POST parameters (order of `params` does not matter).
std::string twilio_string_to_sign(std::string_view url, const core::form_fields& params);
/// base64(HMAC-SHA1(auth_token, twilio_string_to_sign(url, params))).
std::string twilio_signature(std::string_view auth_token, std::string_view url,
                             const core::form_fields& params);

/// Whether `signature` is valid for `url` (the URL as configured at Twilio) and the POST
/// parameters. Like the official libraries it accepts the signature computed over the URL
/// without its port or with the scheme's default port added (Twilio's own port handling is
/// inconsistent); a non-default port must therefore be part of `url`. Constant-time compare.
bool twilio_signature_valid(std::string_view auth_token, std::string_view signature,
                            std::string_view url, const core::form_fields& params);

/// For JSON-bodied webhooks: Twilio puts bodySHA256=<hex SHA-256 of the body> in the URL query
/// and signs the URL alone. Valid when the URL signature is valid and the body's hash matches.
bool twilio_body_signature_valid(std::string_view auth_token, std::string_view signature,
                                 std::string_view url, std::string_view body);

/// `url` with its port removed, and with the scheme's default port added when it has none
/// ("https://h/p" -> "https://h:443/p"); a URL with a port is returned unchanged by the latter.
std::string url_without_port(std::string_view url);
std::string url_with_default_port(std::string_view url);

}  // namespace tuki::adapters
