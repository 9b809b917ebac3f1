#pragma once
// Verification of HS256-signed JSON Web Tokens (RFC 7519), as GatewayAPI sends them in
// X-Gwapi-Signature. Only HS256 is accepted: the algorithm is pinned, so "none" and any other
// `alg` are refused before the signature is looked at. Pure; no clock (see jwt_expired).
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "tuki/core/instant.hpp"
#include "tuki/core/status.hpp"

namespace tuki::core {

/// The verified claims (the payload object), or unauthenticated naming the reason: malformed
/// token, `alg` other than HS256, missing or wrong signature, payload not a JSON object.
/// `secret` is used as its bytes (UTF-8). The signature is compared in constant time.
result<nlohmann::json> verify_jwt_hs256(std::string_view token, std::string_view secret);

/// True when the claims carry an `exp` (seconds since the epoch) at or before `now`
/// (RFC 7519 4.1.4). Tokens without `exp` never expire; a non-numeric `exp` counts as expired.
bool jwt_expired(const nlohmann::json& claims, instant now);

}  // namespace tuki::core
