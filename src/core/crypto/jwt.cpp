#include "tuki/core/crypto/jwt.hpp"

#include <cctype>
#include <string>

#include "tuki/core/crypto/hmac.hpp"
#include "tuki/core/text/escaped_text.hpp"

namespace tuki::core {
namespace {

bool is_base64url(std::string_view s) {
  for (unsigned char c : s)
    if (!(std::isalnum(c) || c == '-' || c == '_')) return false;
  return true;
}

}  // namespace

result<nlohmann::json> verify_jwt_hs256(std::string_view token, std::string_view secret) {
  const auto dot1 = token.find('.');
  const auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos)
    return status::unauthenticated("jwt malformed");
  const auto header_b64 = token.substr(0, dot1);
  const auto payload_b64 = token.substr(dot1 + 1, dot2 - dot1 - 1);
  const auto signature_b64 = token.substr(dot2 + 1);
  // base64url without padding only (RFC 7515 2): the signed text is these exact characters.
  if (header_b64.empty() || payload_b64.empty() || !is_base64url(header_b64) ||
      !is_base64url(payload_b64) || !is_base64url(signature_b64))
    return status::unauthenticated("jwt malformed");

  std::string header_text;
  if (!base64_decode(header_b64, header_text)) return status::unauthenticated("jwt malformed");
  const auto header = nlohmann::json::parse(header_text, nullptr, false);
  if (!header.is_object() || !header.contains("alg") || !header["alg"].is_string())
    return status::unauthenticated("jwt header malformed");
  if (header["alg"].get<std::string>() != "HS256")
    return status::unauthenticated("jwt alg " + quoted_excerpt(header["alg"].get<std::string>()) +
                                   " not accepted (HS256 only)");
  if (signature_b64.empty()) return status::unauthenticated("jwt signature is required");

  const std::string signing_input(token.substr(0, dot2));
  const std::string expected = base64url_encode(hmac_sha256(secret, signing_input));
  if (!constant_time_equal(expected, signature_b64))
    return status::unauthenticated("jwt signature does not match");

  std::string payload_text;
  if (!base64_decode(payload_b64, payload_text)) return status::unauthenticated("jwt malformed");
  auto payload = nlohmann::json::parse(payload_text, nullptr, false);
  if (!payload.is_object()) return status::unauthenticated("jwt payload is not a JSON object");
  return payload;
}

bool jwt_expired(const nlohmann::json& claims, instant now) {
  if (!claims.is_object() || !claims.contains("exp")) return false;
  const auto& exp = claims["exp"];
  if (!exp.is_number()) return true;
  const double exp_seconds = exp.get<double>();
  return static_cast<double>(to_unix_ms(now)) / 1000.0 >= exp_seconds;
}

}  // namespace tuki::core
