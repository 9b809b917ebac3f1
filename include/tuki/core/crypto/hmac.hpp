#pragma once
// Message authentication for gateway signatures, signed staff links and webhooks (OpenSSL).
// Keys and messages are byte strings (UTF-8 text is used as its bytes). Pure functions.
#include <string>
#include <string_view>

namespace tuki::core {

/// Raw (binary) HMAC digests.
std::string hmac_sha1(std::string_view key, std::string_view message);
std::string hmac_sha256(std::string_view key, std::string_view message);
std::string sha256(std::string_view message);

std::string base64_encode(std::string_view bytes);      // standard alphabet, padded
std::string base64url_encode(std::string_view bytes);   // URL alphabet, no padding
/// Decodes either alphabet, padding optional; false on invalid input.
bool base64_decode(std::string_view text, std::string& out);
std::string hex_encode(std::string_view bytes);         // lower case

/// Compares in time independent of where the inputs differ (for signatures).
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace tuki::core
